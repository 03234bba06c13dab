import type { DicomDataset } from '@nidus/dicom';
import { InvalidLutError } from './imaging.errors';
import { lookupTable, readLutTable, type LutTable } from './modality-lut';

/** VOI LUT Function (PS3.3 C.11.2.1.3). */
export type VoiLutFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/** A window in modality units (PS3.3 C.11.2.1.2). */
export interface Window {
  center: number;
  width: number;
  function?: VoiLutFunction;
  explanation?: string;
}

/** A VOI: a window, or a VOI LUT table (PS3.3 C.11.2.1.1). */
export type Voi = Window | { table: LutTable };

/** Output range of the VOI transform: y_min and y_max of PS3.3 C.11.2.1.2. */
export interface VoiRange {
  yMin: number;
  yMax: number;
}

const DISPLAY: VoiRange = { yMin: 0, yMax: 255 };

/**
 * One value through a window (PS3.3 C.11.2.1.2):
 * - LINEAR (C.11.2.1.2.1): width >= 1; x <= c - 0.5 - (w-1)/2 gives y_min, x > c - 0.5 + (w-1)/2 gives y_max,
 *   else y = ((x - (c - 0.5)) / (w-1) + 0.5) * (y_max - y_min) + y_min
 * - LINEAR_EXACT (C.11.2.1.3.2): width > 0; x <= c - w/2 gives y_min, x > c + w/2 gives y_max,
 *   else y = ((x - c) / w + 0.5) * (y_max - y_min) + y_min
 * - SIGMOID (C.11.2.1.3.1): y = (y_max - y_min) / (1 + exp(-4 (x - c) / w)) + y_min
 */
export function windowValue(x: number, window: Window, range: VoiRange = DISPLAY): number {
  const { center: c, width: w } = window;
  const { yMin, yMax } = range;
  switch (window.function ?? 'LINEAR') {
    case 'LINEAR': {
      if (w < 1) throw new InvalidLutError(`LINEAR window width ${w} is below 1 (PS3.3 C.11.2.1.2.1)`);
      if (x <= c - 0.5 - (w - 1) / 2) return yMin;
      if (x > c - 0.5 + (w - 1) / 2) return yMax;
      return ((x - (c - 0.5)) / (w - 1) + 0.5) * (yMax - yMin) + yMin; // not reached for w = 1: the bounds meet
    }
    case 'LINEAR_EXACT': {
      if (!(w > 0)) throw new InvalidLutError(`LINEAR_EXACT window width ${w} is not above 0 (PS3.3 C.11.2.1.3.2)`);
      if (x <= c - w / 2) return yMin;
      if (x > c + w / 2) return yMax;
      return ((x - c) / w + 0.5) * (yMax - yMin) + yMin;
    }
    case 'SIGMOID': {
      if (!(w > 0)) throw new InvalidLutError(`SIGMOID window width ${w} is not above 0 (PS3.3 C.11.2.1.3.1)`);
      return (yMax - yMin) / (1 + Math.exp((-4 * (x - c)) / w)) + yMin;
    }
    default:
      throw new InvalidLutError(`unknown VOI LUT Function ${String(window.function)}`);
  }
}

/** One value through a VOI LUT table, its entries scaled from 0..2^bits-1 onto the output range (PS3.3 C.11.2.1.1). */
export function voiTableValue(x: number, table: LutTable, range: VoiRange = DISPLAY): number {
  const top = 2 ** table.bitsPerEntry - 1;
  return (lookupTable(table, x) / top) * (range.yMax - range.yMin) + range.yMin;
}

/**
 * Applies a VOI (window or table) to modality values; Float32 in the output range, unrounded. Writes into
 * `out` at `offset` when given (a new array otherwise).
 */
export function applyVoiLut(values: ArrayLike<number>, voi: Voi, range: VoiRange = DISPLAY, out?: Float32Array, offset = 0): Float32Array {
  const target = out ?? new Float32Array(values.length);
  const n = values.length;
  if ('table' in voi) {
    for (let i = 0; i < n; i++) target[offset + i] = voiTableValue(values[i], voi.table, range);
    return target;
  }
  windowValue(voi.center, voi, range); // validates the width once
  const { center: c, width: w } = voi;
  const { yMin, yMax } = range;
  const fn = voi.function ?? 'LINEAR';
  if ((fn === 'LINEAR' && w > 1) || fn === 'LINEAR_EXACT') {
    // the LINEAR (C.11.2.1.2.1) and LINEAR_EXACT (C.11.2.1.3.2) formulas, unrolled for speed
    const exact = fn === 'LINEAR_EXACT';
    const low = exact ? c - w / 2 : c - 0.5 - (w - 1) / 2,
      high = exact ? c + w / 2 : c - 0.5 + (w - 1) / 2,
      scale = (yMax - yMin) / (exact ? w : w - 1),
      base = exact ? (0.5 - c / w) * (yMax - yMin) + yMin : (0.5 - (c - 0.5) / (w - 1)) * (yMax - yMin) + yMin;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      target[offset + i] = x <= low ? yMin : x > high ? yMax : x * scale + base;
    }
    return target;
  }
  for (let i = 0; i < n; i++) target[offset + i] = windowValue(values[i], voi, range);
  return target;
}

/**
 * 8-bit display values: VOI to 0..255, rounded; inverted for MONOCHROME1, whose minimum shows white
 * (PS3.3 C.7.6.3.1.2).
 */
export function toDisplayBytes(values: ArrayLike<number>, voi: Voi, photometricInterpretation = 'MONOCHROME2'): Uint8Array {
  const mapped = applyVoiLut(values, voi, DISPLAY);
  const out = new Uint8Array(mapped.length);
  const invert = photometricInterpretation === 'MONOCHROME1';
  for (let i = 0; i < mapped.length; i++) {
    const v = Math.round(mapped[i]);
    out[i] = invert ? 255 - v : v;
  }
  return out;
}

/**
 * The dataset's VOIs in order (PS3.3 C.11.2): each WindowCenter/WindowWidth pair with the VOI LUT Function,
 * then each VOI LUT Sequence item.
 */
export function voisOf(ds: DicomDataset): Voi[] {
  const centers = ds.numbers('WindowCenter');
  const widths = ds.numbers('WindowWidth');
  const explanations = (ds.string('WindowCenterWidthExplanation') ?? '').split('\\');
  const fn = (ds.string('VOILUTFunction') ?? 'LINEAR').toUpperCase();
  if (fn !== 'LINEAR' && fn !== 'LINEAR_EXACT' && fn !== 'SIGMOID') throw new InvalidLutError(`unknown VOI LUT Function ${fn}`);
  const vois: Voi[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const window: Window = { center: centers[i], width: widths[i], function: fn };
    if (explanations[i]) window.explanation = explanations[i].trim();
    vois.push(window);
  }
  for (const item of ds.sequence('VOILUTSequence')) vois.push({ table: readLutTable(item, ds.number('PixelRepresentation') ?? 0) });
  return vois;
}
