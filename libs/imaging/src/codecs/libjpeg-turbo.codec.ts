import { emscripten, LazyCodec } from './lazy-codec';
import { runCornerstoneDecoder, type CodecOutput, type CornerstoneDecoder } from './cornerstone-codec';

interface LibJpegTurboModule {
  JPEGDecoder: new () => CornerstoneDecoder;
}

/** libjpeg-turbo (8-bit DCT JPEG, ITU-T T.81 processes 1 and 2), loaded on first use. */
export const libJpegTurbo = new LazyCodec<LibJpegTurboModule>(
  'libjpeg-turbo',
  emscripten(() => require('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')),
);

export function decodeWithLibJpegTurbo(encoded: Uint8Array, transferSyntaxUID: string): CodecOutput {
  const codec = libJpegTurbo.module(transferSyntaxUID);
  return runCornerstoneDecoder(new codec.JPEGDecoder(), encoded, transferSyntaxUID);
}
