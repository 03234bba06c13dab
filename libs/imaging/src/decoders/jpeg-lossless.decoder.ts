import { TransferSyntaxUIDs } from '@nidus/dicom';
import { jpegLossless } from '../codecs/jpeg-lossless.codec';
import { decodeJpegLosslessFrame } from './jpeg-lossless-frame';
import type { FrameDecoder } from './frame-decoder';

/** JPEG Lossless, Non-Hierarchical (Process 14), any selection value (PS3.5 A.4.1). */
export const jpegLosslessDecoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.JPEGLossless,
  lossless: true,
  load: () => jpegLossless.load().then(() => undefined),
  isLoaded: () => jpegLossless.isLoaded(),
  decode: (ds, m, frameIndex) => decodeJpegLosslessFrame(ds, m, frameIndex, TransferSyntaxUIDs.JPEGLossless),
};
