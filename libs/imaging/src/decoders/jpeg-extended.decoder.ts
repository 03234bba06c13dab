import { TransferSyntaxUIDs, UnsupportedTransferSyntaxError } from '@nidus/dicom';
import { libJpegTurbo } from '../codecs/libjpeg-turbo.codec';
import { readJpegFrameHeader } from '../codecs/jpeg-header';
import { encapsulatedFrame } from '../pixel-data';
import { decode8BitJpeg } from './jpeg-baseline.decoder';
import type { FrameDecoder } from './frame-decoder';

const UID = TransferSyntaxUIDs.JPEGExtended12Bit;

/**
 * JPEG Extended (Processes 2 and 4), PS3.5 A.4.1. 8-bit frames (process 2) decode with libjpeg-turbo;
 * 12-bit frames (process 4) need a 12-bit DCT codec that no installed package provides, so they raise
 * UnsupportedTransferSyntaxError naming the UID rather than return wrong values.
 */
export const jpegExtendedDecoder: FrameDecoder = {
  transferSyntaxUID: UID,
  lossless: false,
  load: () => libJpegTurbo.load().then(() => undefined),
  isLoaded: () => libJpegTurbo.isLoaded(),
  decode(ds, m, frameIndex) {
    const header = readJpegFrameHeader(encapsulatedFrame(ds, m, frameIndex));
    if (header.precision > 8) throw new UnsupportedTransferSyntaxError(UID, `${header.precision}-bit JPEG Extended (Process 4) transfer syntax`);
    return decode8BitJpeg(ds, m, frameIndex, UID);
  },
};
