/**
 * A 4D series (time x slice x row x column) in modality units (HU for CT), as perfusion needs it.
 * Produced by the 4D grouping in libs/imaging; consumed by libs/perfusion. Shared contract: change with care.
 */
export interface Volume4D {
  /** values after the modality LUT, index ((t * slices + z) * rows + y) * columns + x */
  data: Float32Array;
  columns: number;
  rows: number;
  slices: number;
  timePoints: number;
  /** acquisition time of each time point in seconds from the first one; may be non-uniform */
  timesSeconds: Float64Array;
  /** [column spacing, row spacing, slice spacing] in mm (PixelSpacing is row\column: PS3.3 C.7.6.2.1.1) */
  spacingMm: [number, number, number];
  /** ImageOrientationPatient shared by all slices: row direction cosines then column direction cosines (LPS) */
  ImageOrientationPatient: [number, number, number, number, number, number];
  /** ImagePositionPatient of each slice z, sorted along the slice normal */
  ImagePositionPatient: [number, number, number][];
  /** SOPInstanceUID of the source image at [t][z], for references from results */
  SOPInstanceUIDs: string[][];
}

/** A 4D series' layout without its pixels: what stages working on a reduced copy keep of the source. */
export type Geometry4D = Omit<Volume4D, 'data'>;
