import { deflatedExplicitVRLittleEndianDecoder } from './deflated-explicit-vr-little-endian.decoder';
import { explicitVRBigEndianDecoder } from './explicit-vr-big-endian.decoder';
import { explicitVRLittleEndianDecoder } from './explicit-vr-little-endian.decoder';
import type { FrameDecoder } from './frame-decoder';
import { htj2kDecoder } from './htj2k.decoder';
import { htj2kLosslessDecoder } from './htj2k-lossless.decoder';
import { htj2kLosslessRPCLDecoder } from './htj2k-lossless-rpcl.decoder';
import { implicitVRLittleEndianDecoder } from './implicit-vr-little-endian.decoder';
import { jpeg2000Decoder } from './jpeg2000.decoder';
import { jpeg2000LosslessDecoder } from './jpeg2000-lossless.decoder';
import { jpegBaselineDecoder } from './jpeg-baseline.decoder';
import { jpegExtendedDecoder } from './jpeg-extended.decoder';
import { jpegLosslessDecoder } from './jpeg-lossless.decoder';
import { jpegLosslessSV1Decoder } from './jpeg-lossless-sv1.decoder';
import { jpegLSLosslessDecoder } from './jpeg-ls-lossless.decoder';
import { jpegLSNearLosslessDecoder } from './jpeg-ls-near-lossless.decoder';
import { rleLosslessDecoder } from './rle-lossless.decoder';

/** Every transfer syntax Nidus decodes, by UID: the one place to add a syntax. */
const decoders: readonly FrameDecoder[] = [
  implicitVRLittleEndianDecoder,
  explicitVRLittleEndianDecoder,
  explicitVRBigEndianDecoder,
  deflatedExplicitVRLittleEndianDecoder,
  rleLosslessDecoder,
  jpegBaselineDecoder,
  jpegExtendedDecoder,
  jpegLosslessDecoder,
  jpegLosslessSV1Decoder,
  jpegLSLosslessDecoder,
  jpegLSNearLosslessDecoder,
  jpeg2000LosslessDecoder,
  jpeg2000Decoder,
  htj2kLosslessDecoder,
  htj2kLosslessRPCLDecoder,
  htj2kDecoder,
];

export const decoderTable: ReadonlyMap<string, FrameDecoder> = new Map(decoders.map((d) => [d.transferSyntaxUID, d]));
