import type { DicomDataset } from '@nidus/dicom';
import { decodeWithJpegLossless } from '../codecs/jpeg-lossless.codec';
import type { DecodedFrame } from '../decoded-frame';
import { encapsulatedFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import { codecFrame } from './codec-frame';

/** Decodes a JPEG lossless (ITU-T T.81 process 14, Huffman) frame; no colour transform applies (PS3.5 8.2.1). */
export function decodeJpegLosslessFrame(ds: DicomDataset, m: PixelModule, frameIndex: number, transferSyntaxUID: string): DecodedFrame {
  const { header, samples } = decodeWithJpegLossless(encapsulatedFrame(ds, m, frameIndex), transferSyntaxUID);
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const info = { width: header.columns, height: header.rows, bitsPerSample: header.precision, componentCount: header.components, isSigned: false };
  return codecFrame(info, bytes, m, transferSyntaxUID, m.PhotometricInterpretation);
}
