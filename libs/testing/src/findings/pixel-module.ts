import type { DicomElements } from '@nidus/dicom';

/** The Image Pixel module (PS3.3 C.7.6.3) of a 16-bit greyscale image (MONOCHROME2 unless told otherwise). */
export function greyscalePixelModule(
  rows: number,
  columns: number,
  pixels: Uint16Array | Int16Array,
  o: { bitsStored?: number; PhotometricInterpretation?: 'MONOCHROME1' | 'MONOCHROME2' } = {},
): DicomElements {
  const bitsStored = o.bitsStored ?? 16;
  return {
    Rows: rows,
    Columns: columns,
    SamplesPerPixel: 1,
    PhotometricInterpretation: o.PhotometricInterpretation ?? 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: bitsStored,
    HighBit: bitsStored - 1,
    PixelRepresentation: pixels instanceof Int16Array ? 1 : 0,
    PixelData: pixels,
  };
}
