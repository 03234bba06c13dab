import { generateUid, type DicomElements } from '@nidus/dicom';

/**
 * A head-like CT slice in HU: air outside, a skull ring (~1200 HU), brain (~35 HU) with a darker ventricle
 * and a brighter vessel, plus deterministic noise of a few HU, so that codecs see realistic texture.
 */
export function ctHeadPhantomHu(rows: number, columns: number, seed = 1, slice = 0): Int16Array {
  const out = new Int16Array(rows * columns);
  let state = (seed * 2654435761) >>> 0;
  const noise = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296 - 0.5) * 8;
  };
  const cx = columns / 2,
    cy = rows / 2,
    r = Math.min(rows, columns) * 0.42;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const d = Math.hypot((x - cx) / r, (y - cy) / (r * 1.15));
      let hu = -1000;
      if (d < 1) hu = d > 0.92 ? 1200 : 35 + 5 * Math.sin(x / 9 + slice);
      if (Math.hypot(x - cx * 0.9, y - cy) < r * 0.12) hu = 8;
      if (Math.hypot(x - cx * 1.3, y - cy * 0.7) < r * 0.03) hu = 300;
      out[y * columns + x] = Math.round(hu + (hu > -1000 ? noise() : 0));
    }
  }
  return out;
}

/** A single-frame or multi-frame CT image of the phantom, stored unsigned 12 bits in 16 (HU + 1024). */
export function ctPhantomElements(rows: number, columns: number, frames = 1): DicomElements {
  const pixels = new Uint16Array(rows * columns * frames);
  for (let f = 0; f < frames; f++) {
    const hu = ctHeadPhantomHu(rows, columns, f + 1, f);
    for (let i = 0; i < hu.length; i++) pixels[f * hu.length + i] = Math.min(4095, Math.max(0, hu[i] + 1024));
  }
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: generateUid(),
    StudyInstanceUID: generateUid(),
    SeriesInstanceUID: generateUid(),
    Modality: 'CT',
    Rows: rows,
    Columns: columns,
    NumberOfFrames: frames > 1 ? frames : undefined,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    PixelData: pixels,
  };
}

/** The same phantom windowed to 8 bits (brain window), for 8-bit codecs such as JPEG baseline. */
export function ctPhantom8BitElements(rows: number, columns: number, frames = 1): DicomElements {
  const pixels = new Uint8Array(rows * columns * frames);
  for (let f = 0; f < frames; f++) {
    const hu = ctHeadPhantomHu(rows, columns, f + 1, f);
    for (let i = 0; i < hu.length; i++) pixels[f * hu.length + i] = Math.min(255, Math.max(0, Math.round(((hu[i] + 160) / 400) * 255)));
  }
  return {
    ...ctPhantomElements(rows, columns, frames),
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    RescaleIntercept: undefined,
    RescaleSlope: undefined,
    PixelData: pixels,
  };
}
