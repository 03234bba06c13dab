import { TransferSyntaxUIDs, type DicomDataset } from '@nidus/dicom';
import { readJpegFrameHeader } from '../codecs/jpeg-header';
import { decodeWithLibJpegTurbo, libJpegTurbo } from '../codecs/libjpeg-turbo.codec';
import { encapsulatedFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import { codecFrame } from './codec-frame';
import type { FrameDecoder } from './frame-decoder';

/** An Adobe APP14 segment with colour transform 0: the three components are RGB, not YCbCr. */
const ADOBE_RGB = Uint8Array.from([0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);

/**
 * The colour space of a three-component JPEG is what its markers say (JFIF means YCbCr; Adobe APP14
 * carries a transform flag; component ids 'R','G','B' mean RGB; chroma subsampling means YCbCr; ids 1,2,3
 * are the JFIF convention). Only when none of these speaks does the DICOM Photometric Interpretation decide
 * (PS3.5 8.2.1): then RGB is marked with an Adobe segment so the codec does not convert it.
 */
export function withColourSpaceMarker(encoded: Uint8Array, photometric: string): Uint8Array {
  const h = readJpegFrameHeader(encoded);
  if (h.components !== 3 || h.jfif || h.adobeTransform !== undefined) return encoded;
  const ids = h.componentIds.join(',');
  if (ids === '82,71,66' || ids === '1,2,3') return encoded;
  if (new Set(h.samplingFactors).size > 1) return encoded;
  if (photometric !== 'RGB') return encoded;
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
