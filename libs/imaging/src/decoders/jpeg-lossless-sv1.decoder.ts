import { TransferSyntaxUIDs } from '@nidus/dicom';
import { jpegLossless } from '../codecs/jpeg-lossless.codec';
import { decodeJpegLosslessFrame } from './jpeg-lossless-frame';
import type { FrameDecoder } from './frame-decoder';

/** JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1), PS3.5 A.4.1. */
export const jpegLosslessSV1Decoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.JPEGLosslessSV1,
  lossless: true,
  load: () => jpegLossless.load().then(() => undefined),
  isLoaded: () => jpegLossless.isLoaded(),
  decode: (ds, m, frameIndex) => decodeJpegLosslessFrame(ds, m, frameIndex, TransferSyntaxUIDs.JPEGLosslessSV1),
};
