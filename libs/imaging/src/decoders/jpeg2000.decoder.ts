import { TransferSyntaxUIDs } from '@nidus/dicom';
import { openJpeg } from '../codecs/openjpeg.codec';
import { decodeJpeg2000Frame } from './jpeg2000-frame';
import type { FrameDecoder } from './frame-decoder';

/** JPEG 2000 Image Compression (lossless or lossy), PS3.5 A.4.4. */
export const jpeg2000Decoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.JPEG2000,
  lossless: false,
  load: () => openJpeg.load().then(() => undefined),
  isLoaded: () => openJpeg.isLoaded(),
  decode: (ds, m, frameIndex) => decodeJpeg2000Frame(ds, m, frameIndex, TransferSyntaxUIDs.JPEG2000),
};
