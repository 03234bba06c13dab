import sharp from 'sharp';
import { composeOverlay, labelsSvg, TextLabel, toDisplayBytes, windowPresets } from '@nidus/imaging';
import type { PerfusionMaps, PerfusionSummary } from '@nidus/perfusion';
import { CORE_RGB, HYPOPERFUSION_RGB } from './ctp-colour-maps';
import type { PanelPlacement, RgbImage } from './ctp-summary.renderer';
import { NOT_FOR_DIAGNOSTIC_USE, summaryLines } from './ctp-summary-text';

export interface CtpMosaicInput {
  maps: PerfusionMaps;
  summary: PerfusionSummary;
  /** [row spacing, column spacing] mm */
  PixelSpacing: readonly [number, number];
  ImageOrientationPatient: readonly number[];
  /** z position (mm) of each slice, for its label */
  slicePositionsMm: readonly number[];
  version: string;
  /** volume of one voxel (mL), for the volumes of each slice */
  voxelVolumeMl: number;
  /** the source HU of every slice (slices x rows x columns), drawn under the overlays; black without it */
  anatomy?: ArrayLike<number>;
  /** tile size in pixels (default 200) */
  tileSize?: number;
}

export interface CtpMosaicImage extends RgbImage {
  /** where each slice's tile lies, in slice order */
  tiles: PanelPlacement[];
}

const MARGIN = 10;
const HEADER = 96;
const LABEL = 18;
const BANNER = 28;
const BACKGROUND = 16;
const MAX_COLUMNS = 6;

function resample(source: ArrayLike<number>, offset: number, rows: number, columns: number, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  for (let v = 0; v < height; v++) {
    const y = Math.min(rows - 1, Math.floor(((v + 0.5) * rows) / height));
    for (let u = 0; u < width; u++) out[v * width + u] = source[offset + y * columns + Math.min(columns - 1, Math.floor(((u + 0.5) * columns) / width))];
  }
  return out;
}

/**
 * The one picture of a CT perfusion result that a stroke team reads (as RAPID sends besides its per-slice images):
 * every slice as a tile of the source image with the Tmax > 6 s region in green and the core (rCBF < 30 %) in
 * magenta, each tile labelled with its slice and its volumes on that slice, the study's volumes, mismatch and
 * eligibility above, the research-use band below; patient left on the right of each tile (radiological view).
 */
export async function renderCtpMosaic(input: CtpMosaicInput): Promise<CtpMosaicImage> {
  const { maps, summary } = input;
  const { rows, columns, slices } = maps;
  const tile = input.tileSize ?? 200;
  const physicalWidth = columns * input.PixelSpacing[1];
  const physicalHeight = rows * input.PixelSpacing[0];
  const scale = tile / Math.max(physicalWidth, physicalHeight);
  const width = Math.max(1, Math.round(physicalWidth * scale));
  const height = Math.max(1, Math.round(physicalHeight * scale));
  const gridColumns = Math.min(MAX_COLUMNS, Math.max(1, Math.ceil(Math.sqrt(slices))));
  const gridRows = Math.ceil(slices / gridColumns);
  const canvasWidth = Math.max(MARGIN + gridColumns * (tile + MARGIN), 640);
  const gridTop = HEADER;
  const bannerTop = gridTop + gridRows * (tile + LABEL + MARGIN);
  const canvasHeight = bannerTop + BANNER + MARGIN;
  const canvas = new Uint8Array(canvasWidth * canvasHeight * 3).fill(BACKGROUND);
  const voxelMl = input.voxelVolumeMl;
  const labels: TextLabel[] = [
    { text: `NIDUS CT PERFUSION | all ${slices} slices | green: Tmax > 6 s, magenta: core rCBF < 30%`, x: MARGIN, y: 22, fontSize: 15, bold: true },
    ...summaryLines(summary).map((text, i) => ({ text, x: MARGIN, y: 44 + 18 * i, fontSize: 13 })),
  ];
  const tiles: PanelPlacement[] = [];
  const pixels = rows * columns;
  for (let z = 0; z < slices; z++) {
    const offset = z * pixels;
    const base = input.anatomy
      ? toDisplayBytes(resample(input.anatomy, offset, rows, columns, height, width), windowPresets.brain)
      : new Uint8Array(width * height);
    const hypo = resample(maps.hypoperfusionMask, offset, rows, columns, height, width);
    const core = resample(maps.coreMask, offset, rows, columns, height, width);
    const rgb = composeOverlay({
      base,
      rows: height,
      columns: width,
      layers: [
        { mask: hypo, color: HYPOPERFUSION_RGB, alpha: 0.35 },
        { mask: hypo, color: HYPOPERFUSION_RGB, contourOnly: true, contourThickness: 1 },
        { mask: core, color: CORE_RGB, alpha: 0.6 },
        { mask: core, color: CORE_RGB, contourOnly: true, contourThickness: 1 },
      ],
    });
    const column = z % gridColumns;
    const row = Math.floor(z / gridColumns);
    const left = MARGIN + column * (tile + MARGIN) + Math.floor((tile - width) / 2);
    const top = gridTop + row * (tile + LABEL + MARGIN) + LABEL + Math.floor((tile - height) / 2);
    for (let v = 0; v < height; v++) canvas.set(rgb.subarray(v * width * 3, (v + 1) * width * 3), ((top + v) * canvasWidth + left) * 3);
    tiles.push({ left, top, width, height });
    let coreCount = 0;
    let hypoCount = 0;
    for (let i = offset; i < offset + pixels; i++) {
      coreCount += maps.coreMask[i] ? 1 : 0;
      hypoCount += maps.hypoperfusionMask[i] ? 1 : 0;
    }
    const position = input.slicePositionsMm[z];
    const volumes = voxelMl > 0 ? ` | ${(coreCount * voxelMl).toFixed(1)} / ${(hypoCount * voxelMl).toFixed(1)} mL` : '';
    labels.push({
      text: `${z + 1}${position === undefined ? '' : ` z ${position.toFixed(0)}`}${volumes}`,
      x: MARGIN + column * (tile + MARGIN),
      y: top - Math.floor((tile - height) / 2) - 4,
      fontSize: 12,
    });
  }
  for (let v = bannerTop; v < bannerTop + BANNER; v++) for (let u = 0; u < canvasWidth; u++) canvas.set([170, 0, 0], (v * canvasWidth + u) * 3);
  labels.push({ text: `${NOT_FOR_DIAGNOSTIC_USE} | research output of Nidus ${input.version}`, x: MARGIN, y: bannerTop + 20, fontSize: 14, bold: true });
  const { data, info } = await sharp(Buffer.from(canvas.buffer, canvas.byteOffset, canvas.byteLength), {
    raw: { width: canvasWidth, height: canvasHeight, channels: 3 },
  })
    .composite([{ input: Buffer.from(labelsSvg(labels, canvasWidth, canvasHeight)), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== canvasWidth || info.height !== canvasHeight)
    throw new Error(`sharp returned ${info.width}x${info.height}x${info.channels}`);
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), rows: canvasHeight, columns: canvasWidth, tiles };
}
