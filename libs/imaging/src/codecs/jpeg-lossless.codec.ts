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
export const jpegLossless = new LazyCodec<JpegLosslessModule>(async () => require('jpeg-lossless-decoder-js') as JpegLosslessModule);

export interface JpegLosslessOutput {
  header: JpegFrameHeader;
  samples: Uint8Array | Uint16Array;
}

export function decodeWithJpegLossless(encoded: Uint8Array, transferSyntaxUID: string): JpegLosslessOutput {
  const header = readJpegFrameHeader(encoded);
  if (header.marker !== 0xc3) throw new FrameDecodeError(transferSyntaxUID, `frame header SOF${(header.marker - 0xc0).toString(16)} is not lossless (SOF3)`);
  if (header.components > 1 && header.precision > 8) throw new FrameDecodeError(transferSyntaxUID, `${header.components} components of ${header.precision} bits are not supported by the lossless decoder`);
  const { Decoder } = jpegLossless.module(transferSyntaxUID);
  let samples: Uint8Array | Uint16Array;
  try {
    samples = new Decoder().decode(encoded.buffer, encoded.byteOffset, encoded.byteLength, header.precision <= 8 ? 1 : 2);
  } catch (error) {
    throw new FrameDecodeError(transferSyntaxUID, error instanceof Error ? error.message : String(error));
  }
  const expected = header.rows * header.columns * header.components;
  if (samples.length < expected) throw new FrameDecodeError(transferSyntaxUID, `decoded ${samples.length} samples, expected ${expected}`);
  return { header, samples: samples.subarray(0, expected) };
}
