import sharp from 'sharp';
import { applyColorMap, composeOverlay, labelsSvg, TextLabel, toDisplayBytes, windowPresets } from '@nidus/imaging';
import type { PerfusionMaps, PerfusionSummary } from '@nidus/perfusion';
import { CORE_RGB, HYPOPERFUSION_RGB, RangedColorMap, RCBF_COLOR_MAP, TMAX_COLOR_MAP } from './ctp-colour-maps';
import { NOT_FOR_DIAGNOSTIC_USE, summaryLines } from './ctp-summary-text';
import { CTP_RESULT_LABELS, type PerfusionResultLabels } from './perfusion-result-labels';

export interface CtpSliceRenderInput {
  maps: PerfusionMaps;
  summary: PerfusionSummary;
  /** slice index into the maps */
  z: number;
  /** [row spacing, column spacing] mm, so the panels keep the patient's proportions */
  PixelSpacing: readonly [number, number];
  ImageOrientationPatient: readonly number[];
  /** e.g. "slice 3 of 12, z = 42.5 mm" */
  sliceLabel: string;
  /** Nidus version, printed beside the warning */
  version: string;
  /** the source slice in HU (rows x columns), drawn under the maps outside the brain; black without it */
  anatomy?: ArrayLike<number>;
  /** panel size in pixels (default 320) */
  panelSize?: number;
  /** the title and the core's labels (default CT perfusion's) */
  labels?: Pick<PerfusionResultLabels, 'title' | 'coreSummaryLabel' | 'corePanelLabel'>;
}

export interface RgbImage {
  rgb: Uint8Array;
  rows: number;
  columns: number;
}

/** Where a panel lies on the summary image, for tests and for anyone who crops it. */
export interface PanelPlacement {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface CtpSummaryImage extends RgbImage {
  tmaxPanel: PanelPlacement;
  rcbfPanel: PanelPlacement;
  /** the red "NOT FOR DIAGNOSTIC USE" band */
  banner: PanelPlacement;
}

const MARGIN = 12;
const HEADER = 100;
const TITLE = 24;
const BAR = 10;
const TICKS = 22;
const BANNER = 30;
const BACKGROUND = 16;
export const BANNER_RGB: readonly [number, number, number] = [170, 0, 0];

/** Nearest-neighbour resampling of one slice onto the panel grid (keeps mask edges and map values exact). */
function resample<T extends Float32Array | Uint8Array>(source: T, offset: number, rows: number, columns: number, height: number, width: number): T {
  const out = new (source.constructor as { new (n: number): T })(height * width);
  for (let v = 0; v < height; v++) {
    const y = Math.min(rows - 1, Math.floor(((v + 0.5) * rows) / height));
    for (let u = 0; u < width; u++) {
      const x = Math.min(columns - 1, Math.floor(((u + 0.5) * columns) / width));
      out[v * width + u] = source[offset + y * columns + x];
    }
  }
  return out;
}

/** The patient direction a vector points to, as PatientOrientation letters (PS3.3 C.7.6.1.1.1: L, P, H in LPS). */
export function directionLetter(vector: readonly number[]): string {
  const axes: [string, string][] = [
    ['L', 'R'],
    ['P', 'A'],
    ['H', 'F'],
  ];
  const k = [0, 1, 2].reduce((best, i) => (Math.abs(vector[i]) > Math.abs(vector[best]) ? i : best), 0);
  return vector[k] >= 0 ? axes[k][0] : axes[k][1];
}

function blit(canvas: Uint8Array, canvasWidth: number, image: Uint8Array, width: number, height: number, left: number, top: number): void {
  for (let v = 0; v < height; v++) canvas.set(image.subarray(v * width * 3, (v + 1) * width * 3), ((top + v) * canvasWidth + left) * 3);
}

function fill(canvas: Uint8Array, canvasWidth: number, rect: PanelPlacement, rgb: readonly number[]): void {
  for (let v = rect.top; v < rect.top + rect.height; v++) for (let u = rect.left; u < rect.left + rect.width; u++) canvas.set(rgb, (v * canvasWidth + u) * 3);
}

function colourBar(ranged: RangedColorMap, width: number): Uint8Array {
  const values = new Float32Array(width * BAR);
  for (let v = 0; v < BAR; v++) for (let u = 0; u < width; u++) values[v * width + u] = ranged.min + ((u + 0.5) / width) * (ranged.max - ranged.min);
  return composeOverlay({
    base: new Uint8Array(width * BAR),
    rows: BAR,
    columns: width,
    layers: [{ rgba: applyColorMap(values, ranged.map, { min: ranged.min, max: ranged.max }) }],
  });
}

/**
 * One summary image per slice, in the manner of RAPID: the Tmax map with the Tmax > 6 s region outlined in green, the
 * rCBF map with the core (rCBF < 30 %) filled in magenta, the volumes, mismatch and eligibility written above, and a
 * red "NOT FOR DIAGNOSTIC USE" band below. Drawn with libs/imaging's colour maps, overlays and labels; text via SVG.
 */
export async function renderCtpSummarySlice(input: CtpSliceRenderInput): Promise<CtpSummaryImage> {
  const { maps, z } = input;
  const names = input.labels ?? CTP_RESULT_LABELS;
  const size = input.panelSize ?? 320;
  const { rows, columns } = maps;
  const physicalWidth = columns * input.PixelSpacing[1];
  const physicalHeight = rows * input.PixelSpacing[0];
  const scale = size / Math.max(physicalWidth, physicalHeight);
  const width = Math.max(1, Math.round(physicalWidth * scale));
  const height = Math.max(1, Math.round(physicalHeight * scale));
  const offset = z * rows * columns;
  const up = <T extends Float32Array | Uint8Array>(a: T) => resample(a, offset, rows, columns, height, width);

  const brain = up(maps.brainMask);
  const base = input.anatomy
    ? toDisplayBytes(resample(Float32Array.from(input.anatomy), 0, rows, columns, height, width), windowPresets.brain)
    : new Uint8Array(width * height);
  const tmaxPanel = composeOverlay({
    base,
    rows: height,
    columns: width,
    layers: [
      { rgba: applyColorMap(up(maps.tmax), TMAX_COLOR_MAP.map, { min: TMAX_COLOR_MAP.min, max: TMAX_COLOR_MAP.max, mask: brain }) },
      { mask: up(maps.hypoperfusionMask), color: HYPOPERFUSION_RGB, contourOnly: true, contourThickness: 2 },
    ],
  });
  const core = up(maps.coreMask);
  const rcbfPanel = composeOverlay({
    base,
    rows: height,
    columns: width,
    layers: [
      { rgba: applyColorMap(up(maps.rcbf), RCBF_COLOR_MAP.map, { min: RCBF_COLOR_MAP.min, max: RCBF_COLOR_MAP.max, mask: brain }) },
      { mask: core, color: CORE_RGB, alpha: 0.6 },
      { mask: core, color: CORE_RGB, contourOnly: true, contourThickness: 2 },
    ],
  });

  const canvasWidth = 3 * MARGIN + 2 * size;
  const panelsTop = HEADER + TITLE;
  const barTop = panelsTop + size + 8;
  const bannerTop = barTop + BAR + TICKS;
  const canvasHeight = bannerTop + BANNER + MARGIN;
  const canvas = new Uint8Array(canvasWidth * canvasHeight * 3).fill(BACKGROUND);
  const slot = (k: number) => MARGIN + k * (size + MARGIN);
  const tmaxPlace = { left: slot(0) + Math.floor((size - width) / 2), top: panelsTop + Math.floor((size - height) / 2), width, height };
  const rcbfPlace = { left: slot(1) + Math.floor((size - width) / 2), top: tmaxPlace.top, width, height };
  blit(canvas, canvasWidth, tmaxPanel, width, height, tmaxPlace.left, tmaxPlace.top);
  blit(canvas, canvasWidth, rcbfPanel, width, height, rcbfPlace.left, rcbfPlace.top);
  blit(canvas, canvasWidth, colourBar(TMAX_COLOR_MAP, size), size, BAR, slot(0), barTop);
  blit(canvas, canvasWidth, colourBar(RCBF_COLOR_MAP, size), size, BAR, slot(1), barTop);
  const banner = { left: 0, top: bannerTop, width: canvasWidth, height: BANNER };
  fill(canvas, canvasWidth, banner, BANNER_RGB);

  const iop = input.ImageOrientationPatient;
  const rowDirection = iop.slice(0, 3);
  const labels: TextLabel[] = [
    { text: `${names.title} | ${input.sliceLabel}`, x: MARGIN, y: 24, fontSize: 16, bold: true },
    ...summaryLines(input.summary, names.coreSummaryLabel).map((text, i) => ({ text, x: MARGIN, y: 48 + 20 * i, fontSize: 14 })),
    { text: 'Tmax (s), green: Tmax > 6 s', x: slot(0), y: HEADER + 16, fontSize: 13 },
    { text: names.corePanelLabel, x: slot(1), y: HEADER + 16, fontSize: 13 },
    ...[tmaxPlace, rcbfPlace].flatMap((p) => [
      { text: directionLetter(rowDirection.map((c) => -c)), x: p.left + 3, y: p.top + Math.round(p.height / 2) + 5, fontSize: 13, bold: true },
      { text: directionLetter(rowDirection), x: p.left + p.width - 13, y: p.top + Math.round(p.height / 2) + 5, fontSize: 13, bold: true },
    ]),
    ...(
      [
        [TMAX_COLOR_MAP, 0],
        [RCBF_COLOR_MAP, 1],
      ] as const
    ).flatMap(([ranged, k]) =>
      ranged.ticks.map((t) => ({
        text: t.label,
        x: Math.min(slot(k) + size - 8 * t.label.length, slot(k) + Math.round(((t.value - ranged.min) / (ranged.max - ranged.min)) * size)),
        y: barTop + BAR + 15,
        fontSize: 12,
      })),
    ),
    { text: `${NOT_FOR_DIAGNOSTIC_USE} | research output of Nidus ${input.version}`, x: MARGIN, y: bannerTop + 21, fontSize: 15, bold: true },
  ];
  const { data, info } = await sharp(Buffer.from(canvas.buffer, canvas.byteOffset, canvas.byteLength), {
    raw: { width: canvasWidth, height: canvasHeight, channels: 3 },
  })
    .composite([{ input: Buffer.from(labelsSvg(labels, canvasWidth, canvasHeight)), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== canvasWidth || info.height !== canvasHeight)
    throw new Error(`sharp returned ${info.width}x${info.height}x${info.channels}`);
  return {
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    rows: canvasHeight,
    columns: canvasWidth,
    tmaxPanel: tmaxPlace,
    rcbfPanel: rcbfPlace,
    banner,
  };
}
