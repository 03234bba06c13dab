import { generateUid, SopClass, writePart10, type DicomElements } from '@nidus/dicom';
import { formatTime } from '../phantom/phantom-dicom-writer';

export interface SyntheticPerfusionSeriesOptions {
  rows: number;
  columns: number;
  slices: number;
  timePoints: number;
  /** seconds of each time point from the first; default one per second */
  timesSeconds?: number[];
  /** time of day of the first time point, seconds since midnight; default 10:00:00 */
  startSecondOfDay?: number;
  /** ImageOrientationPatient; default axial */
  orientation?: [number, number, number, number, number, number];
  sliceSpacingMm?: number;
  pixelSpacingMm?: [number, number];
  rescaleIntercept?: number;
  /** which temporal attributes each image carries */
  temporal?: { AcquisitionTime?: boolean; ContentTime?: boolean; TriggerTime?: boolean; TemporalPositionIdentifier?: boolean; AcquisitionDateTime?: boolean };
  /** extra attributes for every image */
  extra?: DicomElements;
}

/** A stored value that says where it belongs: slice z, time point t, pixel (x, y). Stays within 12 bits. */
export function syntheticStoredValue(t: number, z: number, x: number, y: number): number {
  return 1000 + z * 97 + t * 13 + ((x * 3 + y * 5) % 17);
}

export interface SyntheticImage {
  t: number;
  z: number;
  elements: DicomElements;
}

/** The elements of every image of a synthetic CT perfusion series (z x t single-frame images). */
export function syntheticPerfusionElements(o: SyntheticPerfusionSeriesOptions): SyntheticImage[] {
  const orientation = o.orientation ?? [1, 0, 0, 0, 1, 0];
  const row = orientation.slice(0, 3),
    col = orientation.slice(3, 6);
  const normal = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
  const spacing = o.sliceSpacingMm ?? 5;
  const times = o.timesSeconds ?? Array.from({ length: o.timePoints }, (_, t) => t);
  const start = o.startSecondOfDay ?? 36000;
  const temporal = { AcquisitionTime: true, ...o.temporal };
  const StudyInstanceUID = generateUid(),
    SeriesInstanceUID = generateUid(),
    FrameOfReferenceUID = generateUid();
  const images: SyntheticImage[] = [];
  for (let t = 0; t < o.timePoints; t++) {
    for (let z = 0; z < o.slices; z++) {
      const pixels = new Int16Array(o.rows * o.columns);
      for (let y = 0; y < o.rows; y++) for (let x = 0; x < o.columns; x++) pixels[y * o.columns + x] = syntheticStoredValue(t, z, x, y);
      const when = start + times[t];
      const elements: DicomElements = {
        SOPClassUID: SopClass.CTImageStorage,
        SOPInstanceUID: generateUid(),
        StudyInstanceUID,
        SeriesInstanceUID,
        FrameOfReferenceUID,
        Modality: 'CT',
        PatientID: 'NIDUS-SYNTH',
        InstanceNumber: t * o.slices + z + 1,
        ImagePositionPatient: [-100 + normal[0] * z * spacing, -120 + normal[1] * z * spacing, 30 + normal[2] * z * spacing],
        ImageOrientationPatient: orientation,
        PixelSpacing: o.pixelSpacingMm ?? [0.5, 0.6],
        SliceThickness: spacing,
        Rows: o.rows,
        Columns: o.columns,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        RescaleIntercept: o.rescaleIntercept ?? -1024,
        RescaleSlope: 1,
        PixelData: pixels,
        ...o.extra,
      };
      if (temporal.AcquisitionTime) elements.AcquisitionTime = formatTime(when);
      if (temporal.AcquisitionDateTime) elements.AcquisitionDateTime = '20240301' + formatTime(when);
      if (temporal.ContentTime) elements.ContentTime = formatTime(when + 0.25);
      if (temporal.TriggerTime) elements.TriggerTime = times[t] * 1000;
      if (temporal.TemporalPositionIdentifier) elements.TemporalPositionIdentifier = t + 1;
      images.push({ t, z, elements });
    }
  }
  return images;
}

/** Part 10 bytes of each image of a synthetic perfusion series. */
export function syntheticPerfusionFiles(o: SyntheticPerfusionSeriesOptions, transferSyntaxUID?: string): { t: number; z: number; bytes: Buffer }[] {
  return syntheticPerfusionElements(o).map(({ t, z, elements }) => ({ t, z, bytes: writePart10(elements, { transferSyntaxUID }) }));
}

/** A deterministic shuffle (mulberry32), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
