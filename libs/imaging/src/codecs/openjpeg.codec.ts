import { emscripten, LazyCodec } from './lazy-codec';
import { runCornerstoneDecoder, type CodecOutput, type CornerstoneDecoder } from './cornerstone-codec';

interface OpenJpegModule {
  J2KDecoder: new () => CornerstoneDecoder;
}

/** OpenJPEG (JPEG 2000 Part 1, ISO/IEC 15444-1), loaded on first use; its [INFO] printing is silenced. */
export const openJpeg = new LazyCodec<OpenJpegModule>(
  'OpenJPEG',
  emscripten(() => require('@cornerstonejs/codec-openjpeg/decodewasmjs')),
);

export function decodeWithOpenJpeg(encoded: Uint8Array, transferSyntaxUID: string): CodecOutput {
  const codec = openJpeg.module(transferSyntaxUID);
  return runCornerstoneDecoder(new codec.J2KDecoder(), encoded, transferSyntaxUID);
}
