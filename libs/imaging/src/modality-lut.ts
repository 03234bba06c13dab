import type { DicomDataset } from '@nidus/dicom';
import { InvalidLutError } from './imaging.errors';

/** A lookup table as PS3.3 C.11.1.1.1 describes it: LUT Descriptor and LUT Data. */
export interface LutTable {
  /** number of entries (a descriptor value of 0 means 65536) */
  entries: number;
  /** first stored value mapped: values below map to the first entry, above the last to the last entry */
  firstValueMapped: number;
  /** bits per entry */
  bitsPerEntry: number;
  data: ArrayLike<number>;
}

/** The Modality LUT (PS3.3 C.11.1): a linear rescale (C.7.6.16.2.11 / C.11.1.1.2) or a table. */
export type ModalityLut = { kind: 'rescale'; RescaleSlope: number; RescaleIntercept: number } | { kind: 'table'; table: LutTable };

/** Pixel padding (PS3.3 C.7.5.1.1.2): stored values from PixelPaddingValue to PixelPaddingRangeLimit are not image. */
export interface PixelPadding {
  PixelPaddingValue: number;
  PixelPaddingRangeLimit?: number;
  /** the value padded pixels take in the output */
  output: number;
}

export const IDENTITY_MODALITY_LUT: ModalityLut = { kind: 'rescale', RescaleSlope: 1, RescaleIntercept: 0 };

/** Reads a LUT from an item holding LUTDescriptor and LUTData (PS3.3 C.11.1.1.1, C.11.2.1.1). */
export function readLutTable(item: DicomDataset, pixelRepresentation = 0): LutTable {
  const descriptor = item.numbers('LUTDescriptor');
  if (descriptor.length !== 3) throw new InvalidLutError(`LUTDescriptor has ${descriptor.length} values, not 3`);
  const entries = descriptor[0] === 0 ? 65536 : descriptor[0];
  // the first value mapped is US or SS as the pixels are (PS3.3 C.11.1.1.1); read as US, two's complement when signed
  let firstValueMapped = descriptor[1];
  if (pixelRepresentation === 1 && firstValueMapped > 0x7fff) firstValueMapped -= 0x10000;
  const bitsPerEntry = descriptor[2];
  if (bitsPerEntry < 1 || bitsPerEntry > 16) throw new InvalidLutError(`LUTDescriptor bits per entry ${bitsPerEntry} is outside 1..16`);
  const element = item.element('LUTData');
  if (!element || element.length === 0) throw new InvalidLutError('LUT item has no LUTData');
  const bytes = item.bytes('LUTData')!;
  let data: ArrayLike<number>;
  if (element.length >= entries * 2) {
    const copy = new Uint8Array(entries * 2);
    copy.set(bytes.subarray(0, entries * 2));
    if (!item.littleEndian) Buffer.from(copy.buffer).swap16();
    data = new Uint16Array(copy.buffer);
  } else if (element.length >= entries && bitsPerEntry <= 8) {
    data = Uint8Array.from(bytes.subarray(0, entries)); // some writers store 8-bit entries one per byte
  } else {
    throw new InvalidLutError(`LUTData holds ${element.length} bytes, too few for ${entries} entries`);
  }
  return { entries, firstValueMapped, bitsPerEntry, data };
}

/** The dataset's Modality LUT: a Modality LUT Sequence item when present, else RescaleSlope/Intercept (default 1 and 0). */
export function modalityLutOf(ds: DicomDataset): ModalityLut {
  const items = ds.sequence('ModalityLUTSequence');
  if (items.length > 0) return { kind: 'table', table: readLutTable(items[0], ds.number('PixelRepresentation') ?? 0) };
  const RescaleSlope = ds.number('RescaleSlope') ?? 1;
  const RescaleIntercept = ds.number('RescaleIntercept') ?? 0;
  if (!Number.isFinite(RescaleSlope) || RescaleSlope === 0) throw new InvalidLutError(`RescaleSlope ${RescaleSlope} is not a usable slope`);
  return { kind: 'rescale', RescaleSlope, RescaleIntercept };
}

/** One stored value through a LUT table: clamped to the first and last entries (PS3.3 C.11.1.1.1). */
export function lookupTable(table: LutTable, x: number): number {
  const i = Math.round(x) - table.firstValueMapped;
  if (i <= 0) return table.data[0];
  if (i >= table.entries - 1) return table.data[table.entries - 1];
  return table.data[i];
}

/** One stored value through the Modality LUT: slope * x + intercept, or the table. */
export function modalityValue(lut: ModalityLut, x: number): number {
  return lut.kind === 'rescale' ? x * lut.RescaleSlope + lut.RescaleIntercept : lookupTable(lut.table, x);
}

/** Whether a stored value is padding (PS3.3 C.7.5.1.1.2): equal to PixelPaddingValue, or within it and the range limit. */
export function isPadding(padding: PixelPadding, x: number): boolean {
  const a = padding.PixelPaddingValue;
  const b = padding.PixelPaddingRangeLimit;
  if (b === undefined) return x === a;
  return a <= b ? x >= a && x <= b : x >= b && x <= a;
}

/**
 * Applies the Modality LUT to stored values (PS3.3 C.11.1), writing Float32 output units (HU for CT) into
 * `out` at `offset` (a new array when `out` is not given). Padding pixels take `padding.output`.
 */
export function applyModalityLut(values: ArrayLike<number>, lut: ModalityLut, out?: Float32Array, offset = 0, padding?: PixelPadding): Float32Array {
  const target = out ?? new Float32Array(values.length);
  const n = values.length;
  if (lut.kind === 'rescale' && !padding) {
    const slope = lut.RescaleSlope;
    const intercept = lut.RescaleIntercept;
    for (let i = 0; i < n; i++) target[offset + i] = values[i] * slope + intercept;
    return target;
  }
  for (let i = 0; i < n; i++) {
    const x = values[i];
    target[offset + i] = padding && isPadding(padding, x) ? padding.output : modalityValue(lut, x);
  }
  return target;
}
