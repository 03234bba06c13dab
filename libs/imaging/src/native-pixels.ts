import { pixelArrayFor, type DecodedFrame, type PixelArray } from './decoded-frame';
import type { NativeFrameLocation } from './pixel-data';
import type { PixelModule } from './pixel-module';

type RawSamples = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array;

/** Unsigned samples of `count` little endian values of `bitsAllocated` bits (8, 16, 32), copied. */
export function readRawSamples(bytes: Uint8Array, count: number, bitsAllocated: number): Uint8Array | Uint16Array | Uint32Array {
  const size = bitsAllocated / 8;
  const copy = new Uint8Array(count * size);
  copy.set(bytes.subarray(0, count * size));
  if (size === 1) return copy;
  // host byte order is little endian on every platform Node supports here (x64, arm64)
  return size === 2 ? new Uint16Array(copy.buffer, 0, count) : new Uint32Array(copy.buffer, 0, count);
}

/**
 * Stored values from raw samples (PS3.5 8.1.1): keep bits HighBit-BitsStored+1 .. HighBit, drop stray high
 * bits (overlays in old files), sign-extend from BitsStored when PixelRepresentation is 1.
 * Returns a new or reinterpreted array in the pixel's signedness.
 */
export function storedValues(raw: RawSamples, m: Pick<PixelModule, 'BitsAllocated' | 'BitsStored' | 'HighBit' | 'PixelRepresentation'>): PixelArray {
  const signed = m.PixelRepresentation === 1;
  const container = raw.BYTES_PER_ELEMENT * 8;
  const bitsAllocated = m.BitsAllocated === 1 ? 8 : Math.max(m.BitsAllocated, container);
  const shift = m.HighBit + 1 - m.BitsStored;
  const exact = shift === 0 && m.BitsStored === bitsAllocated;
  if (exact && bitsAllocated === container) {
    // no masking: reinterpret the bits in the right signedness
    const Ctor = pixelArrayFor(container, signed, 0).constructor as new (b: ArrayBufferLike, o: number, n: number) => PixelArray;
    return new Ctor(raw.buffer, raw.byteOffset, raw.length);
  }
  const out = pixelArrayFor(bitsAllocated, signed, raw.length);
  const bits = m.BitsStored;
  if (bits >= 32) {
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] >>> shift;
    return out;
  }
  const mask = bits === 31 ? 0x7fffffff : (1 << bits) - 1;
  const signBit = 2 ** (bits - 1);
  const range = 2 ** bits;
  if (signed) {
    for (let i = 0; i < raw.length; i++) {
      const v = (raw[i] >>> shift) & mask;
      out[i] = v >= signBit ? v - range : v;
    }
  } else {
    for (let i = 0; i < raw.length; i++) out[i] = (raw[i] >>> shift) & mask;
  }
  return out;
}

/** Colour-by-plane to colour-by-pixel (PS3.3 C.7.6.3.1.3). */
export function interleavePlanes<T extends PixelArray>(planar: T, pixels: number, samples: number): T {
  const out = new (planar.constructor as new (n: number) => T)(planar.length);
  for (let s = 0; s < samples; s++) {
    const base = s * pixels;
    for (let p = 0; p < pixels; p++) out[p * samples + s] = planar[base + p];
  }
  return out;
}

/** YBR_FULL_422 (Y0 Y1 Cb Cr per pair of pixels, PS3.3 C.7.6.3.1.2) to one Y Cb Cr triplet per pixel. */
export function expandYbr422<T extends PixelArray>(packed: T, rows: number, columns: number): T {
  const out = new (packed.constructor as new (n: number) => T)(rows * columns * 3);
  let i = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x += 2) {
      const y0 = packed[i],
        y1 = packed[i + 1],
        cb = packed[i + 2],
        cr = packed[i + 3];
      i += 4;
      const o = (y * columns + x) * 3;
      out[o] = y0;
      out[o + 1] = cb;
      out[o + 2] = cr;
      if (x + 1 < columns) {
        out[o + 3] = y1;
        out[o + 4] = cb;
        out[o + 5] = cr;
      }
    }
  }
  return out;
}

/** Decodes one native frame (PS3.5 8.1.1, 8.2): byte order, 1-bit unpacking, masking, planes, 4:2:2. */
export function decodeNativeFrame(location: NativeFrameLocation, m: PixelModule, littleEndian: boolean): DecodedFrame {
  const pixels = m.Rows * m.Columns;
  const samples = pixels * m.SamplesPerPixel;
  let values: PixelArray;
  let photometric = m.PhotometricInterpretation;
  if (m.BitsAllocated === 1) {
    // PS3.5 8.1.1: pixels packed eight to a byte, the first in the least significant bit
    const out = new Uint8Array(samples);
    const { bytes, bitOffset } = location;
    for (let i = 0; i < samples; i++) {
      const bit = bitOffset + i;
      out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
    }
    values = out;
  } else {
    const is422 = photometric === 'YBR_FULL_422' && m.SamplesPerPixel === 3;
    const count = is422 ? pixels * 2 : samples;
    // PS3.5 A.3 / 7.3: in Explicit VR Big Endian, OW is a stream of 16-bit big endian words, whatever
    // BitsAllocated is (8-bit pairs and 32-bit halves alike, as dcmtk and GDCM read it); OB is not swapped.
    let source = location.bytes;
    const byteCount = (count * m.BitsAllocated) / 8;
    if (!littleEndian && location.vr !== 'OB') {
      const swapped = Buffer.alloc(byteCount + (byteCount & 1));
      swapped.set(source.subarray(0, byteCount));
      swapped.swap16();
      source = swapped;
    }
    values = storedValues(readRawSamples(source, count, m.BitsAllocated), m);
    if (is422) {
      values = expandYbr422(values, m.Rows, m.Columns);
      photometric = 'YBR_FULL';
    } else if (m.SamplesPerPixel > 1 && m.PlanarConfiguration === 1) {
      values = interleavePlanes(values, pixels, m.SamplesPerPixel);
    }
  }
  return frameOf(values, m, photometric);
}

export function frameOf(values: PixelArray, m: PixelModule, photometricInterpretation: string): DecodedFrame {
  const frame: DecodedFrame = {
    pixels: values,
    rows: m.Rows,
    columns: m.Columns,
    samplesPerPixel: m.SamplesPerPixel,
    photometricInterpretation,
    bitsStored: m.BitsStored,
    signed: m.PixelRepresentation === 1,
  };
  if (m.PixelPaddingValue !== undefined) frame.pixelPaddingValue = m.PixelPaddingValue;
  if (m.PixelPaddingRangeLimit !== undefined) frame.pixelPaddingRangeLimit = m.PixelPaddingRangeLimit;
  return frame;
}
