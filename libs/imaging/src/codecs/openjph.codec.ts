import { emscripten, LazyCodec } from './lazy-codec';
import { runCornerstoneDecoder, type CodecOutput, type CornerstoneDecoder } from './cornerstone-codec';

interface OpenJphModule {
  HTJ2KDecoder: new () => CornerstoneDecoder;
}

/** OpenJPH (High-Throughput JPEG 2000, ISO/IEC 15444-15), loaded on first use. */
export const openJph = new LazyCodec<OpenJphModule>(
  'OpenJPH',
  emscripten(() => require('@cornerstonejs/codec-openjph/wasmjs')),
);

export function decodeWithOpenJph(encoded: Uint8Array, transferSyntaxUID: string): CodecOutput {
  const codec = openJph.module(transferSyntaxUID);
  return runCornerstoneDecoder(new codec.HTJ2KDecoder(), encoded, transferSyntaxUID);
}
