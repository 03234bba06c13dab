import sharp from 'sharp';
import { InvalidPixelModuleError } from '../imaging.errors';
import { maskContour } from './contour';
import type { EncodeOptions } from './image-format';
import { labelsSvg, type TextLabel } from './text-label';

/** One layer over the base image: a binary mask in a colour, or a ready RGBA image (e.g. a colour map). */
export type OverlayLayer =
  | { mask: ArrayLike<number>; color: readonly [number, number, number]; alpha?: number; contourOnly?: boolean; contourThickness?: number }
  | { rgba: Uint8Array };

export interface OverlayImage {
  /** 8-bit grey (rows x columns) or RGB (rows x columns x 3) base, e.g. from toDisplayBytes */
  base: Uint8Array;
  rows: number;
  columns: number;
  layers?: readonly OverlayLayer[];
  labels?: readonly TextLabel[];
  /** scale the output by this factor (nearest neighbour keeps mask edges crisp); default 1 */
  scale?: number;
}

/** Alpha-blends the layers over the base, in order; returns RGB. */
export function composeOverlay(image: OverlayImage): Uint8Array {
  const n = image.rows * image.columns;
  const rgb = new Uint8Array(n * 3);
  if (image.base.length === n) for (let i = 0; i < n; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = image.base[i];
  else if (image.base.length === n * 3) rgb.set(image.base);
  else throw new InvalidPixelModuleError(`base of ${image.base.length} values fits neither ${n} grey nor ${n * 3} RGB pixels`);
  for (const layer of image.layers ?? []) {
    if ('rgba' in layer) {
      if (layer.rgba.length !== n * 4) throw new InvalidPixelModuleError(`RGBA layer of ${layer.rgba.length} values does not fit ${n} pixels`);
      for (let i = 0; i < n; i++) {
        const a = layer.rgba[i * 4 + 3] / 255;
        if (a === 0) continue;
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(rgb[i * 3 + c] * (1 - a) + layer.rgba[i * 4 + c] * a);
      }
    } else {
      if (layer.mask.length !== n) throw new InvalidPixelModuleError(`mask of ${layer.mask.length} values does not fit ${n} pixels`);
      const where = layer.contourOnly ? maskContour(layer.mask, image.rows, image.columns, layer.contourThickness ?? 1) : layer.mask;
      const a = layer.alpha ?? (layer.contourOnly ? 1 : 0.4);
      for (let i = 0; i < n; i++) {
        if (!where[i]) continue;
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(rgb[i * 3 + c] * (1 - a) + layer.color[c] * a);
      }
    }
  }
  return rgb;
}

/** The base with its coloured masks, contours, colour maps and text labels, as PNG or JPEG. */
export async function renderOverlay(image: OverlayImage, options: EncodeOptions = {}): Promise<Buffer> {
  const scale = image.scale ?? 1;
  const width = Math.round(image.columns * scale),
    height = Math.round(image.rows * scale);
  const rgb = composeOverlay(image);
  let pipeline = sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: image.columns, height: image.rows, channels: 3 } });
  if (scale !== 1) pipeline = sharp(await pipeline.resize(width, height, { kernel: 'nearest' }).raw().toBuffer(), { raw: { width, height, channels: 3 } });
  if (image.labels?.length) {
    // composite runs last in a sharp pipeline and adds alpha: render it, then drop the alpha in a second pass
    const { data, info } = await pipeline
      .composite([{ input: Buffer.from(labelsSvg(image.labels, width, height)), top: 0, left: 0 }])
      .raw()
      .toBuffer({ resolveWithObject: true });
    pipeline = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).removeAlpha();
  }
  return (options.format ?? 'png') === 'png' ? pipeline.png().toBuffer() : pipeline.jpeg({ quality: options.quality ?? 90 }).toBuffer();
}
