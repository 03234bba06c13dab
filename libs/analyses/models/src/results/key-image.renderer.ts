import type { DicomDataset } from '@nidus/dicom';
import { applyModalityLut, composeOverlay, decodeFrame, modalityLutOf, pixelModuleOf, toDisplayBytes, voisOf, type OverlayLayer, type Voi } from '@nidus/imaging';
import { drawTextStrips } from './key-image-text';

export const NOT_FOR_DIAGNOSTIC_USE = 'NOT FOR DIAGNOSTIC USE';

export interface KeyImageMask {
  /** 1 inside, rows x columns of the source image */
  mask: Uint8Array;
  colour: readonly [number, number, number];
}

export interface KeyImageInput {
  /** the source image shown */
  image: DicomDataset;
  /** its stored values (rows x columns), when already decoded (the model runner's): the image is not decoded again */
  stored?: Float32Array;
  masks: readonly KeyImageMask[];
  /** the title, then one line per finding */
  lines: readonly string[];
  /** printed in the banner beside NOT FOR DIAGNOSTIC USE */
  footer: string;
  /** the longer side of the picture, pixels (default 512) */
  size?: number;
}

export interface KeyImage {
  rgb: Uint8Array;
  rows: number;
  columns: number;
  /** where the image lies on the canvas */
  image: { left: number; top: number; width: number; height: number };
  banner: { left: number; top: number; width: number; height: number };
}

const MARGIN = 10;
const LINE = 20;
const BANNER = 28;
const BACKGROUND = 16;
export const KEY_IMAGE_BANNER_RGB: readonly [number, number, number] = [170, 0, 0];

/** Nearest-neighbour resampling (keeps mask edges exact, and stored values as they are). */
function resample<T extends Uint8Array | Float32Array>(
  source: ArrayLike<number>,
  rows: number,
  columns: number,
  height: number,
  width: number,
  type: { new (n: number): T } = Uint8Array as unknown as { new (n: number): T },
): T {
  const out = new type(height * width);
  for (let v = 0; v < height; v++) {
    const y = Math.min(rows - 1, Math.floor(((v + 0.5) * rows) / height));
    for (let u = 0; u < width; u++) out[v * width + u] = source[y * columns + Math.min(columns - 1, Math.floor(((u + 0.5) * columns) / width))];
  }
  return out;
}

/** The image's own first window (PS3.3 C.11.2), else one over the range of its values. */
function displayVoi(ds: DicomDataset, values: Float32Array): Voi {
  const own = voisOf(ds)[0];
  if (own) return own;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { center: (min + max) / 2, width: Math.max(1, max - min), function: 'LINEAR_EXACT' };
}

/**
 * A key image for viewers that show neither SEG nor SR: the source image in its own window (MONOCHROME1 shown as
 * it is meant to be seen), the masks filled in their colours and outlined, the findings written above, and a red
 * NOT FOR DIAGNOSTIC USE band below. RGB, 8 bits.
 */
export async function renderKeyImage(input: KeyImageInput): Promise<KeyImage> {
  const { Rows: rows, Columns: columns } = pixelModuleOf(input.image);
  const stored = input.stored?.length === rows * columns ? input.stored : (await decodeFrame(input.image)).pixels;
  const spacing = input.image.numbers('PixelSpacing').length === 2 ? input.image.numbers('PixelSpacing') : input.image.numbers('ImagerPixelSpacing');
  const [rowSpacing, columnSpacing] = spacing.length === 2 && spacing[0] > 0 && spacing[1] > 0 ? spacing : [1, 1];
  const size = input.size ?? 512;
  const scale = size / Math.max(columns * columnSpacing, rows * rowSpacing);
  const width = Math.max(1, Math.round(columns * columnSpacing * scale));
  const height = Math.max(1, Math.round(rows * rowSpacing * scale));
  const layers: OverlayLayer[] = input.masks.flatMap((m) => {
    const mask = resample(m.mask, rows, columns, height, width);
    return [
      { mask, color: m.colour, alpha: 0.35 },
      { mask, color: m.colour, contourOnly: true, contourThickness: 2 },
    ];
  });
  // the stored values sampled onto the picture first, so the LUTs run on its pixels, not the source's (a radiograph
  // has 20 times more)
  const values = applyModalityLut(resample(stored, rows, columns, height, width, Float32Array), modalityLutOf(input.image));
  const grey = toDisplayBytes(values, displayVoi(input.image, values), input.image.string('PhotometricInterpretation') ?? 'MONOCHROME2');
  const picture = composeOverlay({ base: grey, rows: height, columns: width, layers });

  const header = MARGIN + LINE * input.lines.length;
  const canvasWidth = Math.max(width + 2 * MARGIN, 360);
  const imageTop = header + MARGIN;
  const bannerTop = imageTop + height + MARGIN;
  const canvasHeight = bannerTop + BANNER;
  const canvas = new Uint8Array(canvasWidth * canvasHeight * 3).fill(BACKGROUND);
  const left = Math.floor((canvasWidth - width) / 2);
  for (let v = 0; v < height; v++) canvas.set(picture.subarray(v * width * 3, (v + 1) * width * 3), ((imageTop + v) * canvasWidth + left) * 3);
  for (let v = bannerTop; v < canvasHeight; v++) for (let u = 0; u < canvasWidth; u++) canvas.set(KEY_IMAGE_BANNER_RGB, (v * canvasWidth + u) * 3);
  // the text drawn on its two bands only; the banner is the same on every key image of this width
  await drawTextStrips(canvas, canvasWidth, [
    {
      top: 0,
      height: imageTop,
      labels: input.lines.map((text, i) => ({ text, x: MARGIN, y: MARGIN + LINE * (i + 1) - 5, fontSize: i === 0 ? 15 : 13, bold: i === 0 })),
    },
    { top: bannerTop, height: BANNER, labels: [{ text: `${NOT_FOR_DIAGNOSTIC_USE} | ${input.footer}`, x: MARGIN, y: bannerTop + 19, fontSize: 13, bold: true }], reuse: true },
  ]);
  return {
    rgb: canvas,
    rows: canvasHeight,
    columns: canvasWidth,
    image: { left, top: imageTop, width, height },
    banner: { left: 0, top: bannerTop, width: canvasWidth, height: BANNER },
  };
}
