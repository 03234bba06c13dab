import { TransferSyntaxUIDs, type DicomDataset } from '@nidus/dicom';
import type { DecodedFrame } from '../decoded-frame';
import { CorruptPixelDataError, InvalidPixelModuleError } from '../imaging.errors';
import { frameOf, storedValues } from '../native-pixels';
import { encapsulatedFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import type { FrameDecoder } from './frame-decoder';

/** Decodes one PackBits segment (PS3.5 G.3.1) into `out`; returns the number of bytes written. */
export function unpackRleSegment(segment: Uint8Array, out: Uint8Array): number {
  let i = 0;
  let o = 0;
  const end = out.length;
  while (i < segment.length && o < end) {
    const n = segment[i++];
    if (n < 128) {
      // literal run of n + 1 bytes
      const count = Math.min(n + 1, end - o, segment.length - i);
      out.set(segment.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n > 128) {
      // replicate the next byte 257 - n times
      if (i >= segment.length) break;
      const value = segment[i++];
      const count = Math.min(257 - n, end - o);
      out.fill(value, o, o + count);
      o += count;
    }
    // n === 128 (-128): no operation
  }
  return o;
}

/** Splits an RLE frame by its 64-byte header (PS3.5 G.5): segment count, then up to 15 offsets. */
export function rleSegments(frame: Uint8Array): Uint8Array[] {
  if (frame.length < 64) throw new CorruptPixelDataError(`RLE frame of ${frame.length} bytes is shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  if (count < 1 || count > 15) throw new CorruptPixelDataError(`RLE header names ${count} segments (1..15 allowed)`);
  const offsets: number[] = [];
  for (let s = 0; s < count; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  offsets.push(frame.length);
  if (offsets[0] !== 64) throw new CorruptPixelDataError(`RLE first segment starts at ${offsets[0]}, not 64`);
  const segments: Uint8Array[] = [];
  for (let s = 0; s < count; s++) {
    if (offsets[s + 1] < offsets[s] || offsets[s + 1] > frame.length)
      throw new CorruptPixelDataError(`RLE segment ${s} offsets are out of order or past the frame`);
    segments.push(frame.subarray(offsets[s], offsets[s + 1]));
  }
  return segments;
}

/**
 * RLE Lossless (PS3.5 Annex G): one segment per byte plane, most significant byte first, sample after
 * sample (G.2). Output is colour-by-pixel.
 */
export function decodeRleFrame(frame: Uint8Array, m: PixelModule): DecodedFrame {
  if (m.BitsAllocated === 1) throw new InvalidPixelModuleError('RLE Lossless with BitsAllocated 1 is not supported');
  const bytesPerSample = m.BitsAllocated / 8;
  const samples = m.SamplesPerPixel;
  const pixels = m.Rows * m.Columns;
  const segments = rleSegments(frame);
  if (segments.length !== bytesPerSample * samples) {
    throw new CorruptPixelDataError(
      `RLE frame has ${segments.length} segments; ${samples} samples of ${m.BitsAllocated} bits need ${bytesPerSample * samples}`,
    );
  }
  const raw =
    bytesPerSample === 1 ? new Uint8Array(pixels * samples) : bytesPerSample === 2 ? new Uint16Array(pixels * samples) : new Uint32Array(pixels * samples);
  const plane = new Uint8Array(pixels);
  for (let s = 0; s < samples; s++) {
    for (let b = 0; b < bytesPerSample; b++) {
      const index = s * bytesPerSample + b;
      const written = unpackRleSegment(segments[index], plane);
      if (written < pixels) throw new CorruptPixelDataError(`RLE segment ${index} decodes to ${written} bytes, not ${pixels}`);
      const shift = 8 * (bytesPerSample - 1 - b); // segment order: most significant byte first
      if (bytesPerSample === 1) {
        for (let p = 0; p < pixels; p++) raw[p * samples + s] = plane[p];
      } else if (bytesPerSample === 2) {
        for (let p = 0; p < pixels; p++) raw[p * samples + s] |= plane[p] << shift;
      } else {
        for (let p = 0; p < pixels; p++) raw[p * samples + s] = (raw[p * samples + s] + plane[p] * 2 ** shift) >>> 0;
      }
    }
  }
  return frameOf(storedValues(raw, m), m, m.PhotometricInterpretation);
}

export const rleLosslessDecoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.RLELossless,
  lossless: true,
  load: () => Promise.resolve(),
  isLoaded: () => true,
  decode(ds: DicomDataset, m: PixelModule, frameIndex: number): DecodedFrame {
    return decodeRleFrame(encapsulatedFrame(ds, m, frameIndex), m);
  },
};
