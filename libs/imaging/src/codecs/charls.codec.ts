import { emscripten, LazyCodec } from './lazy-codec';
import { runCornerstoneDecoder, type CodecOutput, type CornerstoneDecoder } from './cornerstone-codec';

interface JpegLSDecoder extends CornerstoneDecoder {
  /** 0 none (planes one after another), 1 line, 2 sample (ITU-T T.87 C.2.3) */
  getInterleaveMode(): number;
  getNearLossless(): number;
}

interface CharLSModule {
  JpegLSDecoder: new () => JpegLSDecoder;
}

/** CharLS (JPEG-LS, ITU-T T.87), loaded on first use. */
export const charLS = new LazyCodec<CharLSModule>(
  'CharLS',
  emscripten(() => require('@cornerstonejs/codec-charls/decodewasmjs')),
);

export interface JpegLSOutput extends CodecOutput {
  interleaveMode: number;
  nearLossless: number;
}

export function decodeWithCharLS(encoded: Uint8Array, transferSyntaxUID: string): JpegLSOutput {
  const codec = charLS.module(transferSyntaxUID);
  let interleaveMode = 0;
  let nearLossless = 0;
  const out = runCornerstoneDecoder(new codec.JpegLSDecoder(), encoded, transferSyntaxUID, (d) => {
    interleaveMode = d.getInterleaveMode();
    nearLossless = d.getNearLossless();
  });
  return { ...out, interleaveMode, nearLossless };
}
