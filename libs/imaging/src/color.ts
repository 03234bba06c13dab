import type { DicomDataset } from '@nidus/dicom';
import type { DecodedFrame } from './decoded-frame';
import { InvalidLutError, InvalidPixelModuleError } from './imaging.errors';

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** YBR_FULL to RGB, 8-bit (PS3.3 C.7.6.3.1.2, the inverse of its ITU-R BT.601 full-range equations). */
export function ybrFullToRgb(ybr: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(ybr.length);
  for (let i = 0; i < ybr.length; i += 3) {
    const y = ybr[i],
      cb = ybr[i + 1] - 128,
      cr = ybr[i + 2] - 128;
    out[i] = clamp8(y + 1.402 * cr);
    out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp8(y + 1.772 * cb);
  }
  return out;
}

/** One palette channel: descriptor [entries, first value mapped, bits] and its data (PS3.3 C.7.6.3.1.5). */
export interface PaletteChannel {
  entries: number;
  firstValueMapped: number;
  bits: number;
  data: Uint16Array | Uint8Array;
}

function readPaletteChannel(ds: DicomDataset, colour: 'Red' | 'Green' | 'Blue'): PaletteChannel {
  const descriptor = ds.numbers(`${colour}PaletteColorLookupTableDescriptor`);
  if (descriptor.length !== 3) throw new InvalidLutError(`${colour}PaletteColorLookupTableDescriptor has ${descriptor.length} values, not 3`);
  const entries = descriptor[0] === 0 ? 65536 : descriptor[0];
  const bits = descriptor[2];
  const bytes = ds.bytes(`${colour}PaletteColorLookupTableData`);
  if (!bytes) {
    if (ds.has(`Segmented${colour}PaletteColorLookupTableData`)) throw new InvalidLutError('segmented palettes (PS3.3 C.7.9.2) are not supported');
    throw new InvalidLutError(`${colour}PaletteColorLookupTableData is missing`);
  }
  let data: Uint16Array | Uint8Array;
  if (bits === 8 && bytes.length < entries * 2) data = Uint8Array.from(bytes.subarray(0, entries));
  else {
    if (bytes.length < entries * 2) throw new InvalidLutError(`${colour} palette holds ${bytes.length} bytes for ${entries} entries`);
    const copy = Uint8Array.from(bytes.subarray(0, entries * 2));
    if (!ds.littleEndian) Buffer.from(copy.buffer).swap16();
    data = new Uint16Array(copy.buffer);
  }
  return { entries, firstValueMapped: descriptor[1], bits, data };
}

/** PALETTE COLOR to 8-bit RGB (PS3.3 C.7.6.3.1.5): indices below/above the table take its first/last entry. */
export function paletteToRgb(indices: ArrayLike<number>, ds: DicomDataset): Uint8Array {
  const channels = (['Red', 'Green', 'Blue'] as const).map((c) => readPaletteChannel(ds, c));
  const out = new Uint8Array(indices.length * 3);
  channels.forEach((ch, c) => {
    // 16-bit entries carry their value in the high byte for 8-bit display
    const shift = ch.bits > 8 ? ch.bits - 8 : 0;
    for (let i = 0; i < indices.length; i++) {
      let k = indices[i] - ch.firstValueMapped;
      if (k < 0) k = 0;
      else if (k >= ch.entries) k = ch.entries - 1;
      out[i * 3 + c] = ch.data[k] >> shift;
    }
  });
  return out;
}

/** A colour frame (RGB, YBR_FULL, PALETTE COLOR) as 8-bit interleaved RGB for display. */
export function toRgb(frame: DecodedFrame, ds?: DicomDataset): Uint8Array {
  const p = frame.photometricInterpretation;
  if (p === 'PALETTE COLOR') {
    if (!ds) throw new InvalidPixelModuleError('PALETTE COLOR needs the dataset for its lookup tables');
    return paletteToRgb(frame.pixels, ds);
  }
  if (frame.samplesPerPixel !== 3) throw new InvalidPixelModuleError(`${p} with ${frame.samplesPerPixel} samples is not colour`);
  if (p === 'YBR_FULL' || p === 'YBR_FULL_422') return ybrFullToRgb(frame.pixels);
  if (p !== 'RGB') throw new InvalidPixelModuleError(`colour conversion from ${p} is not supported`);
  if (frame.pixels instanceof Uint8Array) return frame.pixels;
  // more than 8 bits per sample: scale BitsStored down to 8
  const shift = Math.max(0, frame.bitsStored - 8);
  return Uint8Array.from(frame.pixels, (v) => v >>> shift);
}
