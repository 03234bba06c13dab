import type { DicomDataset } from '@nidus/dicom';
import { decodeWithCharLS } from '../codecs/charls.codec';
import type { DecodedFrame } from '../decoded-frame';
import { encapsulatedFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import { codecFrame } from './codec-frame';

/** Decodes a JPEG-LS frame (ITU-T T.87) with CharLS; interleave mode 0 (by plane) is re-interleaved by pixel. */
export function decodeJpegLSFrame(ds: DicomDataset, m: PixelModule, frameIndex: number, transferSyntaxUID: string): DecodedFrame {
  const out = decodeWithCharLS(encapsulatedFrame(ds, m, frameIndex), transferSyntaxUID);
  return codecFrame(out.info, out.bytes, m, transferSyntaxUID, m.PhotometricInterpretation, out.interleaveMode === 0);
}
