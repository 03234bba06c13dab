import type { DicomDataset } from '@nidus/dicom';
import { decodeWithOpenJpeg } from '../codecs/openjpeg.codec';
import { decodeWithOpenJph } from '../codecs/openjph.codec';
import type { DecodedFrame } from '../decoded-frame';
import { encapsulatedFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import { afterJ2kColourTransform, codecFrame } from './codec-frame';

/** Decodes a JPEG 2000 Part 1 frame with OpenJPEG (PS3.5 A.4.4). */
export function decodeJpeg2000Frame(ds: DicomDataset, m: PixelModule, frameIndex: number, transferSyntaxUID: string): DecodedFrame {
  const { info, bytes } = decodeWithOpenJpeg(encapsulatedFrame(ds, m, frameIndex), transferSyntaxUID);
  return codecFrame(info, bytes, m, transferSyntaxUID, afterJ2kColourTransform(m.PhotometricInterpretation));
}

/** Decodes a High-Throughput JPEG 2000 frame with OpenJPH (PS3.5 A.4.6). */
export function decodeHtj2kFrame(ds: DicomDataset, m: PixelModule, frameIndex: number, transferSyntaxUID: string): DecodedFrame {
  const { info, bytes } = decodeWithOpenJph(encapsulatedFrame(ds, m, frameIndex), transferSyntaxUID);
  return codecFrame(info, bytes, m, transferSyntaxUID, afterJ2kColourTransform(m.PhotometricInterpretation));
}
