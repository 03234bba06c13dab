import { thrownMessage } from '@nidus/dicom';
import { FrameDecodeError } from '../imaging.errors';
import { copyOut, type CodecFrameInfo, type EmbindObject } from './lazy-codec';

/** The decoder object shape shared by the @cornerstonejs codec packages (libjpeg-turbo, CharLS, OpenJPEG, OpenJPH). */
export interface CornerstoneDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  getDecodedBuffer(): Uint8Array;
}

export interface CodecOutput {
  info: CodecFrameInfo;
  /** decoded bytes, owned by JavaScript */
  bytes: Uint8Array;
}

/** Runs one decode through a cornerstone codec object and frees it, whatever happens. */
export function runCornerstoneDecoder<D extends CornerstoneDecoder>(
  decoder: D,
  encoded: Uint8Array,
  transferSyntaxUID: string,
  after?: (d: D) => void,
): CodecOutput {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    after?.(decoder);
    return { info: { ...info }, bytes: copyOut(decoder.getDecodedBuffer()) };
  } catch (error) {
    // Emscripten throws numbers (pointers) or strings on codec failures
    throw new FrameDecodeError(transferSyntaxUID, thrownMessage(error), error);
  } finally {
    decoder.delete();
  }
}
