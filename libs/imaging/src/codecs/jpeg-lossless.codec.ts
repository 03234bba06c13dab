import { thrownMessage } from '@nidus/dicom';
import { FrameDecodeError } from '../imaging.errors';
import { LazyCodec } from './lazy-codec';
import { readJpegFrameHeader, type JpegFrameHeader } from './jpeg-header';

interface LosslessDecoder {
  decode(buffer: ArrayBufferLike, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
}

interface JpegLosslessModule {
  Decoder: new () => LosslessDecoder;
}

/** jpeg-lossless-decoder-js (ITU-T T.81 process 14, Huffman, any predictor), loaded on first use. */
export const jpegLossless = new LazyCodec<JpegLosslessModule>(
  'jpeg-lossless-decoder-js',
  async () => require('jpeg-lossless-decoder-js') as JpegLosslessModule,
);

export interface JpegLosslessOutput {
  header: JpegFrameHeader;
  samples: Uint8Array | Uint16Array;
}

/**
 * The decoder stops one sample early when its look-ahead for the last Huffman code reaches the EOI marker:
 * two zero bytes before EOI give it look-ahead that is never decoded (the scan ends at the last sample).
 */
function padBeforeEndOfImage(encoded: Uint8Array): Uint8Array {
  let eoi = -1;
  for (let i = encoded.length - 2; i >= Math.max(0, encoded.length - 16); i--) {
    if (encoded[i] === 0xff && encoded[i + 1] === 0xd9) {
      eoi = i;
      break;
    }
  }
  if (eoi < 0) return encoded;
  const out = new Uint8Array(encoded.length + 2);
  out.set(encoded.subarray(0, eoi), 0);
  out.set(encoded.subarray(eoi), eoi + 2);
  return out;
}

export function decodeWithJpegLossless(encoded: Uint8Array, transferSyntaxUID: string): JpegLosslessOutput {
  const header = readJpegFrameHeader(encoded);
  if (header.marker !== 0xc3) throw new FrameDecodeError(transferSyntaxUID, `frame header SOF${(header.marker - 0xc0).toString(16)} is not lossless (SOF3)`);
  if (header.components > 1 && header.precision > 8)
    throw new FrameDecodeError(transferSyntaxUID, `${header.components} components of ${header.precision} bits are not supported by the lossless decoder`);
  const { Decoder } = jpegLossless.module(transferSyntaxUID);
  let samples: Uint8Array | Uint16Array;
  const padded = padBeforeEndOfImage(encoded);
  try {
    samples = new Decoder().decode(padded.buffer, padded.byteOffset, padded.byteLength, header.precision <= 8 ? 1 : 2);
  } catch (error) {
    throw new FrameDecodeError(transferSyntaxUID, thrownMessage(error), error);
  }
  const expected = header.rows * header.columns * header.components;
  if (samples.length < expected) throw new FrameDecodeError(transferSyntaxUID, `decoded ${samples.length} samples, expected ${expected}`);
  return { header, samples: samples.subarray(0, expected) };
}
