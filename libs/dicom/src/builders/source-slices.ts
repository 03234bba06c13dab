import { InvalidAttributeError } from '../dicom.errors';

/** One source image (slice) that a result refers to. */
export interface SourceSlice {
  ImagePositionPatient: readonly [number, number, number];
  SOPClassUID: string;
  SOPInstanceUID: string;
}

/**
 * The geometry of the source grid the masks and maps live on: one image per slice position, all with the same
 * orientation and pixel spacing (PS3.3 C.7.6.2). Slices are in the order of the mask's z index.
 */
export interface SourceSlices {
  /** the source series (ReferencedSeriesSequence, "Source series for segmentation") */
  SeriesInstanceUID: string;
  Rows: number;
  Columns: number;
  /** row direction cosines then column direction cosines (LPS) */
  ImageOrientationPatient: readonly [number, number, number, number, number, number];
  /** [row spacing, column spacing] in mm: PixelSpacing order (PS3.3 10.7.1.3) */
  PixelSpacing: readonly [number, number];
  /** mm; default: the distance between neighbouring slices */
  SliceThickness?: number;
  slices: readonly SourceSlice[];
}

/** Distance between consecutive slice centres along the slice normal; undefined for one slice. */
export function sliceSpacing(geometry: SourceSlices): number | undefined {
  if (geometry.slices.length < 2) return undefined;
  const n = sliceNormal(geometry.ImageOrientationPatient);
  const along = geometry.slices.map((s) => s.ImagePositionPatient[0] * n[0] + s.ImagePositionPatient[1] * n[1] + s.ImagePositionPatient[2] * n[2]);
  return Math.abs(along[along.length - 1] - along[0]) / (along.length - 1);
}

/** row cosines x column cosines (PS3.3 C.7.6.2.1.1). */
export function sliceNormal(iop: readonly number[]): [number, number, number] {
  const [r0, r1, r2, c0, c1, c2] = iop;
  return [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
}

export function validateSourceSlices(geometry: SourceSlices): void {
  if (!(geometry.Rows > 0 && geometry.Columns > 0)) throw new InvalidAttributeError('Rows', `grid ${geometry.Rows}x${geometry.Columns} is empty`);
  if (geometry.slices.length === 0) throw new InvalidAttributeError('ImagePositionPatient', 'no source slices');
  if (geometry.ImageOrientationPatient.length !== 6) throw new InvalidAttributeError('ImageOrientationPatient', 'needs 6 values');
  if (!geometry.PixelSpacing.every((v) => v > 0)) throw new InvalidAttributeError('PixelSpacing', 'must be positive');
}
