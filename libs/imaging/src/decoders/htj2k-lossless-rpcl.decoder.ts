import { TransferSyntaxUIDs } from '@nidus/dicom';
import { openJph } from '../codecs/openjph.codec';
import { decodeHtj2kFrame } from './jpeg2000-frame';
import type { FrameDecoder } from './frame-decoder';

/** High-Throughput JPEG 2000 with RPCL Options (Lossless Only), PS3.5 A.4.6. */
export const htj2kLosslessRPCLDecoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.HTJ2KLosslessRPCL,
  lossless: true,
  load: () => openJph.load().then(() => undefined),
  isLoaded: () => openJph.isLoaded(),
  decode: (ds, m, frameIndex) => decodeHtj2kFrame(ds, m, frameIndex, TransferSyntaxUIDs.HTJ2KLosslessRPCL),
};
