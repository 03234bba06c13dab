import type { DicomDataset } from '@nidus/dicom';
import { jpegComponentsAreYCbCr } from '../codecs/jpeg-colour-space';
import { decodeJpegDct } from '../codecs/jpeg-dct.codec';
import { readJpegFrameHeader } from '../codecs/jpeg-header';
import type { DecodedFrame } from '../decoded-frame';
import { encapsulatedFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import { codecFrame } from './codec-frame';

/** YCbCr to RGB at any precision, full range (the JFIF equations, PS3.3 C.7.6.3.1.2 YBR_FULL), in place. */
function yCbCrToRgb(samples: Uint8Array | Uint16Array, precision: number): void {
  const centre = 1 << (precision - 1),
    max = (1 << precision) - 1;
  const clamp = (v: number) => (v < 0 ? 0 : v > max ? max : Math.round(v));
  for (let i = 0; i < samples.length; i += 3) {
    const y = samples[i],
      cb = samples[i + 1] - centre,
      cr = samples[i + 2] - centre;
    samples[i] = clamp(y + 1.402 * cr);
    samples[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    samples[i + 2] = clamp(y + 1.772 * cb);
  }
}

/**
 * Decodes a DCT JPEG frame (T.81 processes 1, 2, 4) with Nidus's own codec: the 12-bit frames of JPEG Extended.
 * Three components come out as RGB, converted from YCbCr when the markers or the Photometric Interpretation say so.
 */
export function decodeJpegDctFrame(ds: DicomDataset, m: PixelModule, frameIndex: number, transferSyntaxUID: string): DecodedFrame {
  const encoded = encapsulatedFrame(ds, m, frameIndex);
  const header = readJpegFrameHeader(encoded);
  const image = decodeJpegDct(encoded, transferSyntaxUID);
  let photometric = m.PhotometricInterpretation;
  if (image.components === 3) {
    if (jpegComponentsAreYCbCr(header, m.PhotometricInterpretation)) yCbCrToRgb(image.samples, image.precision);
    photometric = 'RGB';
  }
  const { samples } = image;
  const info = { width: image.columns, height: image.rows, bitsPerSample: image.precision, componentCount: image.components, isSigned: false };
  return codecFrame(info, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), m, transferSyntaxUID, photometric);
}
