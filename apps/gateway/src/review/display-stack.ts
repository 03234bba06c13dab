import type { DicomDataset } from '@nidus/dicom';

/** One image of the stack the study view scrolls through, with what the browser needs to show its frame. */
export interface StackImage {
  SOPInstanceUID: string;
  InstanceNumber: number | null;
  ImagePositionPatient: number[] | null;
  Rows: number;
  Columns: number;
  BitsAllocated: number;
  PixelRepresentation: number;
  SamplesPerPixel: number;
  PhotometricInterpretation: string;
  RescaleSlope: number;
  RescaleIntercept: number;
  WindowCenter: number | null;
  WindowWidth: number | null;
  /** [row spacing, column spacing] mm */
  PixelSpacing: number[] | null;
  ImageOrientationPatient: number[] | null;
}

export interface DisplayStack {
  SeriesInstanceUID: string;
  /** time points of a 4D series shown one at a time: this many were found at each position */
  timePoints: number;
  images: StackImage[];
}

export function stackImage(ds: DicomDataset): StackImage {
  const position = ds.numbers('ImagePositionPatient');
  const spacing = ds.numbers('PixelSpacing');
  const orientation = ds.numbers('ImageOrientationPatient');
  return {
    SOPInstanceUID: ds.string('SOPInstanceUID') ?? '',
    InstanceNumber: ds.number('InstanceNumber') ?? null,
    ImagePositionPatient: position.length === 3 ? position : null,
    Rows: ds.number('Rows') ?? 0,
    Columns: ds.number('Columns') ?? 0,
    BitsAllocated: ds.number('BitsAllocated') ?? 16,
    PixelRepresentation: ds.number('PixelRepresentation') ?? 0,
    SamplesPerPixel: ds.number('SamplesPerPixel') ?? 1,
    PhotometricInterpretation: ds.string('PhotometricInterpretation') ?? 'MONOCHROME2',
    RescaleSlope: ds.number('RescaleSlope') ?? 1,
    RescaleIntercept: ds.number('RescaleIntercept') ?? 0,
    WindowCenter: ds.numbers('WindowCenter')[0] ?? null,
    WindowWidth: ds.numbers('WindowWidth')[0] ?? null,
    PixelSpacing: spacing.length === 2 ? spacing : null,
    ImageOrientationPatient: orientation.length === 6 ? orientation : null,
  };
}

function timeOf(ds: DicomDataset): string {
  return ds.string('AcquisitionTime') ?? ds.string('ContentTime') ?? '';
}

/** Whether `a` was taken before `b`: TemporalPositionIdentifier, then acquisition time, then InstanceNumber. */
function earlier(a: DicomDataset, b: DicomDataset): boolean {
  const ta = a.number('TemporalPositionIdentifier') ?? 0;
  const tb = b.number('TemporalPositionIdentifier') ?? 0;
  if (ta !== tb) return ta < tb;
  if (timeOf(a) !== timeOf(b)) return timeOf(a) < timeOf(b);
  return (a.number('InstanceNumber') ?? 0) < (b.number('InstanceNumber') ?? 0);
}

/**
 * The images of a series in display order, one per slice position: of a 4D (perfusion) series the earliest time
 * point at each position (the one its SEG references), sorted along the slice normal; images without a position
 * by InstanceNumber. `wanted`, when given, picks the images by SOPInstanceUID instead (a SEG's sources).
 */
export function displayStack(SeriesInstanceUID: string, headers: DicomDataset[], wanted?: Set<string>): DisplayStack {
  const byPosition = new Map<string, { ds: DicomDataset; count: number }>();
  const unplaced: DicomDataset[] = [];
  for (const ds of headers) {
    if (wanted && !wanted.has(ds.string('SOPInstanceUID') ?? '')) continue;
    const position = ds.numbers('ImagePositionPatient');
    if (position.length !== 3) {
      unplaced.push(ds);
      continue;
    }
    const key = position.map((v) => v.toFixed(3)).join('\\');
    const seen = byPosition.get(key);
    if (!seen) byPosition.set(key, { ds, count: 1 });
    else {
      seen.count++;
      if (earlier(ds, seen.ds)) seen.ds = ds;
    }
  }
  const placed = [...byPosition.values()];
  const first = placed[0]?.ds.numbers('ImageOrientationPatient');
  const normal =
    first && first.length === 6
      ? [first[1] * first[5] - first[2] * first[4], first[2] * first[3] - first[0] * first[5], first[0] * first[4] - first[1] * first[3]]
      : [0, 0, 1];
  const along = (ds: DicomDataset) => {
    const p = ds.numbers('ImagePositionPatient');
    return p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  };
  placed.sort((a, b) => along(a.ds) - along(b.ds));
  unplaced.sort((a, b) => (a.number('InstanceNumber') ?? 0) - (b.number('InstanceNumber') ?? 0));
  return {
    SeriesInstanceUID,
    timePoints: Math.max(1, ...placed.map((p) => p.count)),
    images: [...placed.map((p) => stackImage(p.ds)), ...unplaced.map(stackImage)],
  };
}
