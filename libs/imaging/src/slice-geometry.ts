import type { DicomDataset } from '@nidus/dicom';
import { InconsistentVolumeError } from './imaging.errors';

export type Vec3 = [number, number, number];
export type Orientation = [number, number, number, number, number, number];

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** The slice normal: row direction x column direction of ImageOrientationPatient (PS3.3 C.7.6.2.1.1). */
export function sliceNormal(orientation: Orientation): Vec3 {
  const n = cross([orientation[0], orientation[1], orientation[2]], [orientation[3], orientation[4], orientation[5]]);
  const length = Math.hypot(...n);
  if (!(length > 0.5)) throw new InconsistentVolumeError(`ImageOrientationPatient ${orientation.join('\\')} has parallel or null direction cosines`);
  return [n[0] / length, n[1] / length, n[2] / length];
}

/** The geometry of one image plane, read from the Image Plane module (PS3.3 C.7.6.2). */
export interface SliceGeometry {
  ImagePositionPatient: Vec3;
  ImageOrientationPatient: Orientation;
  /** PixelSpacing: row spacing (between rows) then column spacing, mm */
  PixelSpacing: [number, number];
  Rows: number;
  Columns: number;
}

export function sliceGeometryOf(ds: DicomDataset): SliceGeometry {
  const position = ds.numbers('ImagePositionPatient');
  const orientation = ds.numbers('ImageOrientationPatient');
  const spacing = ds.numbers('PixelSpacing');
  const what = ds.string('SOPInstanceUID') ?? 'an image';
  if (position.length !== 3) throw new InconsistentVolumeError(`${what} has no usable ImagePositionPatient`);
  if (orientation.length !== 6) throw new InconsistentVolumeError(`${what} has no usable ImageOrientationPatient`);
  const Rows = ds.number('Rows');
  const Columns = ds.number('Columns');
  if (!Rows || !Columns) throw new InconsistentVolumeError(`${what} has no Rows / Columns`);
  return {
    ImagePositionPatient: position as Vec3,
    ImageOrientationPatient: orientation as Orientation,
    PixelSpacing: spacing.length === 2 ? (spacing as [number, number]) : [1, 1],
    Rows,
    Columns,
  };
}

/** Whether two orientations agree within a tolerance on each direction cosine. */
export function sameOrientation(a: Orientation, b: Orientation, tolerance = 1e-3): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** The position of a slice along the normal (mm). */
export function slicePosition(geometry: SliceGeometry, normal: Vec3): number {
  return dot(geometry.ImagePositionPatient, normal);
}
