import { TransferSyntaxUIDs } from '@nidus/dicom';
import { readJpegFrameHeader } from '../codecs/jpeg-header';
import { libJpegTurbo } from '../codecs/libjpeg-turbo.codec';
import { encapsulatedFrame } from '../pixel-data';
import { decode8BitJpeg } from './jpeg-baseline.decoder';
import { decodeJpegDctFrame } from './jpeg-dct-frame';
import type { FrameDecoder } from './frame-decoder';

const UID = TransferSyntaxUIDs.JPEGExtended12Bit;

/**
 * JPEG Extended (Processes 2 and 4), PS3.5 A.4.1. 8-bit frames (process 2) decode with libjpeg-turbo; 12-bit
 * frames (process 4), which no installed package decodes, with Nidus's own DCT codec (codecs/jpeg-dct.codec.ts).
 */
export const jpegExtendedDecoder: FrameDecoder = {
  transferSyntaxUID: UID,
  lossless: false,
  load: () => libJpegTurbo.load().then(() => undefined),
  isLoaded: () => libJpegTurbo.isLoaded(),
  decode(ds, m, frameIndex) {
    const header = readJpegFrameHeader(encapsulatedFrame(ds, m, frameIndex));
    return header.precision > 8 ? decodeJpegDctFrame(ds, m, frameIndex, UID) : decode8BitJpeg(ds, m, frameIndex, UID);
  },
};
