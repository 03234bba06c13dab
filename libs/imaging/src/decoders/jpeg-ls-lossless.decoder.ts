import { TransferSyntaxUIDs } from '@nidus/dicom';
import { charLS } from '../codecs/charls.codec';
import { decodeJpegLSFrame } from './jpeg-ls-frame';
import type { FrameDecoder } from './frame-decoder';

/** JPEG-LS Lossless Image Compression (PS3.5 A.4.3). */
export const jpegLSLosslessDecoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.JPEGLSLossless,
  lossless: true,
  load: () => charLS.load().then(() => undefined),
  isLoaded: () => charLS.isLoaded(),
  decode: (ds, m, frameIndex) => decodeJpegLSFrame(ds, m, frameIndex, TransferSyntaxUIDs.JPEGLSLossless),
};
