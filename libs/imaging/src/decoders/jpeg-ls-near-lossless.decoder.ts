import { TransferSyntaxUIDs } from '@nidus/dicom';
import { charLS } from '../codecs/charls.codec';
import { decodeJpegLSFrame } from './jpeg-ls-frame';
import type { FrameDecoder } from './frame-decoder';

/** JPEG-LS Lossy (Near-Lossless) Image Compression (PS3.5 A.4.3): each sample within NEAR of the original. */
export const jpegLSNearLosslessDecoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.JPEGLSNearLossless,
  lossless: false,
  load: () => charLS.load().then(() => undefined),
  isLoaded: () => charLS.isLoaded(),
  decode: (ds, m, frameIndex) => decodeJpegLSFrame(ds, m, frameIndex, TransferSyntaxUIDs.JPEGLSNearLossless),
};
