import { TransferSyntaxUIDs, type DicomDataset } from '@nidus/dicom';
import { jpegComponentsAreYCbCr } from '../codecs/jpeg-colour-space';
import { readJpegFrameHeader } from '../codecs/jpeg-header';
import { decodeWithLibJpegTurbo, libJpegTurbo } from '../codecs/libjpeg-turbo.codec';
import { encapsulatedFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import { codecFrame } from './codec-frame';
import type { FrameDecoder } from './frame-decoder';

/** An Adobe APP14 segment with colour transform 0: the three components are RGB, not YCbCr. */
const ADOBE_RGB = Uint8Array.from([0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);

/**
 * The codec decides the colour space from the markers as jpegComponentsAreYCbCr does, but where no marker speaks
 * it assumes YCbCr: an RGB frame by its Photometric Interpretation gets an Adobe segment so it is not converted.
 */
export function withColourSpaceMarker(encoded: Uint8Array, photometric: string): Uint8Array {
  const h = readJpegFrameHeader(encoded);
  if (h.components !== 3 || jpegComponentsAreYCbCr(h, photometric)) return encoded;
  if (h.adobeTransform !== undefined || h.componentIds.join(',') === '82,71,66') return encoded;
  const out = new Uint8Array(encoded.length + ADOBE_RGB.length);
  out.set(encoded.subarray(0, 2), 0);
  out.set(ADOBE_RGB, 2);
  out.set(encoded.subarray(2), 2 + ADOBE_RGB.length);
  return out;
}

/**
 * Decodes an 8-bit DCT JPEG frame with libjpeg-turbo. Three-component frames come out as RGB: the
 * codec converts YCbCr (JFIF, or an Adobe APP14 transform flag) as PS3.5 8.2.1 expects.
 */
export function decode8BitJpeg(ds: DicomDataset, m: PixelModule, frameIndex: number, transferSyntaxUID: string) {
  const encoded = withColourSpaceMarker(encapsulatedFrame(ds, m, frameIndex), m.PhotometricInterpretation);
  const { info, bytes } = decodeWithLibJpegTurbo(encoded, transferSyntaxUID);
  return codecFrame(info, bytes, m, transferSyntaxUID, m.SamplesPerPixel === 3 ? 'RGB' : m.PhotometricInterpretation);
}

/** JPEG Baseline (Process 1), PS3.5 A.4.1, 8-bit. */
export const jpegBaselineDecoder: FrameDecoder = {
  transferSyntaxUID: TransferSyntaxUIDs.JPEGBaseline8Bit,
  lossless: false,
  load: () => libJpegTurbo.load().then(() => undefined),
  isLoaded: () => libJpegTurbo.isLoaded(),
  decode: (ds, m, frameIndex) => decode8BitJpeg(ds, m, frameIndex, TransferSyntaxUIDs.JPEGBaseline8Bit),
};
