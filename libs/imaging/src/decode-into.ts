import { findTransferSyntax, type DicomDataset } from '@nidus/dicom';
import { decodeFrameSync, pixelModuleOf } from './decode';
import { InvalidPixelModuleError } from './imaging.errors';
import { applyModalityLut, modalityLutOf, type ModalityLut, type PixelPadding } from './modality-lut';
import { nativeFrame } from './pixel-data';

/**
 * Decodes a greyscale frame straight into `out` at `offset` as modality values (HU for CT), Float32, with no
 * intermediate frame for native 16-bit data, the common CT case. Other syntaxes decode (synchronously: load
 * their codec first) and then go through the LUT.
 */
export function decodeFrameInto(
  ds: DicomDataset,
  frameIndex: number,
  out: Float32Array,
  offset: number,
  lut: ModalityLut = modalityLutOf(ds),
  padding?: PixelPadding,
): void {
  const m = pixelModuleOf(ds);
  if (m.SamplesPerPixel !== 1) throw new InvalidPixelModuleError(`modality values need one sample per pixel, not ${m.SamplesPerPixel}`);
  const syntax = findTransferSyntax(ds.transferSyntaxUID);
  const pixels = m.Rows * m.Columns;
  if (syntax && !syntax.encapsulated && syntax.littleEndian && m.BitsAllocated === 16 && lut.kind === 'rescale' && !padding) {
    const { bytes } = nativeFrame(ds, m, frameIndex);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const slope = lut.RescaleSlope,
      intercept = lut.RescaleIntercept;
    const shift = m.HighBit + 1 - m.BitsStored;
    const exact = shift === 0 && m.BitsStored === 16;
    const signed = m.PixelRepresentation === 1;
    if (exact && (bytes.byteOffset & 1) === 0) {
      const samples = signed ? new Int16Array(bytes.buffer, bytes.byteOffset, pixels) : new Uint16Array(bytes.buffer, bytes.byteOffset, pixels);
      for (let i = 0; i < pixels; i++) out[offset + i] = samples[i] * slope + intercept;
      return;
    }
    // PS3.5 8.1.1: mask bits above HighBit and sign-extend from BitsStored
    const mask = (1 << m.BitsStored) - 1,
      signBit = 1 << (m.BitsStored - 1),
      range = 1 << m.BitsStored;
    if (shift === 0 && (bytes.byteOffset & 1) === 0) {
      const samples = new Uint16Array(bytes.buffer, bytes.byteOffset, pixels);
      if (signed) for (let i = 0; i < pixels; i++) out[offset + i] = (((samples[i] & mask) ^ signBit) - signBit) * slope + intercept;
      else for (let i = 0; i < pixels; i++) out[offset + i] = (samples[i] & mask) * slope + intercept;
      return;
    }
    for (let i = 0; i < pixels; i++) {
      let v = (view.getUint16(2 * i, true) >>> shift) & mask;
      if (signed && v >= signBit) v -= range;
      out[offset + i] = v * slope + intercept;
    }
    return;
  }
  applyModalityLut(decodeFrameSync(ds, frameIndex).pixels, lut, out, offset, padding);
}
