import { generateUid, type DicomElements } from '@nidus/dicom';
import { SeededRandom } from '../phantom/seeded-random';
import { greyscalePixelModule } from './pixel-module';
import { ellipsoidDistance, ellipsoidRadius, type Ellipsoid } from './ellipsoid';

// Math's functions held locally: global lookups are slow inside jest's vm sandbox
const { max, round } = Math;
/** MR Image Storage (PS3.4 B.5). */
export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';

export type Orientation6 = [number, number, number, number, number, number];

/** ImageOrientationPatient of the usual planes (PS3.3 C.7.6.2.1.1). */
export const PLANES: Record<'axial' | 'sagittal' | 'coronal', Orientation6> = {
  axial: [1, 0, 0, 0, 1, 0],
  sagittal: [0, 1, 0, 0, 0, -1],
  coronal: [1, 0, 0, 0, 0, -1],
};

export interface BrainMrOptions {
  rows?: number;
  columns?: number;
  slices?: number;
  pixelSpacingMm?: number;
  sliceSpacingMm?: number;
  orientation?: Orientation6;
  lesion?: Ellipsoid;
  /** multiplies every intensity (MR units are arbitrary) */
  scale?: number;
  noise?: number;
  seed?: number;
  extra?: DicomElements;
  /** UIDs by role ('study', 'series', 'frame-of-reference', 'instance/<n>'); default generated */
  uid?: (role: string) => string;
}

export interface SyntheticBrainMr {
  images: DicomElements[];
  /** the lesion's voxels, index (z * rows + y) * columns + x in slice order (along the normal) */
  truth: Uint8Array;
  rows: number;
  columns: number;
  slices: number;
  spacingMm: [number, number, number];
}

const HEAD: Ellipsoid = { centreMm: [0, 0, 0], radiiMm: [70, 88, 72] };

/**
 * A FLAIR-like brain MR phantom in any plane, centred on the patient origin: scalp (520), a dark skull (25),
 * cortex (470) over white matter (380), dark ventricles (110), and optionally an ellipsoidal bright lesion
 * (850) of known voxels; noise inside the head only, exactly 0 outside. Uint16, no rescale.
 */
export function syntheticBrainMr(o: BrainMrOptions = {}): SyntheticBrainMr {
  const rows = o.rows ?? 256;
  const columns = o.columns ?? 256;
  const slices = o.slices ?? 28;
  const ps = o.pixelSpacingMm ?? 0.9;
  const ss = o.sliceSpacingMm ?? 4;
  const iop = o.orientation ?? PLANES.axial;
  const scale = o.scale ?? 1;
  const noise = o.noise ?? 15;
  const random = new SeededRandom(o.seed ?? 3);
  const row = iop.slice(0, 3);
  const col = iop.slice(3, 6);
  const normal = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
  const at = (x: number, y: number, z: number): [number, number, number] => {
    const u = (x - (columns - 1) / 2) * ps;
    const v = (y - (rows - 1) / 2) * ps;
    const w = (z - (slices - 1) / 2) * ss;
    return [0, 1, 2].map((k) => u * row[k] + v * col[k] + w * normal[k]) as [number, number, number];
  };
  const ventricles: Ellipsoid[] = [
    { centreMm: [-11, -6, 8], radiiMm: [6, 20, 11] },
    { centreMm: [11, -6, 8], radiiMm: [6, 20, 11] },
  ];
  const truth = new Uint8Array(rows * columns * slices);
  const uid = o.uid ?? (() => generateUid());
  const StudyInstanceUID = uid('study');
  const SeriesInstanceUID = uid('series');
  const FrameOfReferenceUID = uid('frame-of-reference');
  const images: DicomElements[] = [];
  for (let z = 0; z < slices; z++) {
    const pixels = new Uint16Array(rows * columns);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const p = at(x, y, z);
        const depth = -ellipsoidDistance(HEAD, p);
        if (depth < 0) continue;
        let value: number;
        if (depth < 5) value = 520;
        else if (depth < 10) value = 25;
        else if (depth < 14) value = 470;
        else {
          value = 380;
          if (ventricles.some((v) => ellipsoidRadius(v, p) <= 1)) value = 110;
          if (o.lesion && ellipsoidRadius(o.lesion, p) <= 1) {
            value = 850;
            truth[(z * rows + y) * columns + x] = 1;
          }
        }
        pixels[y * columns + x] = max(1, round((value + noise * random.gaussian()) * scale));
      }
    }
    images.push({
      SOPClassUID: MR_IMAGE_STORAGE,
      SOPInstanceUID: uid(`instance/${z}`),
      StudyInstanceUID,
      SeriesInstanceUID,
      FrameOfReferenceUID,
      Modality: 'MR',
      PatientID: 'NIDUS-SYNTH-MR',
      PatientName: 'SYNTHETIC^BRAINMR',
      StudyDate: '20240601',
      SeriesNumber: 3,
      SeriesDescription: 'FLAIR',
      BodyPartExamined: 'BRAIN',
      ImageType: ['ORIGINAL', 'PRIMARY', 'M', 'ND'],
      ScanningSequence: 'IR',
      InstanceNumber: z + 1,
      ImagePositionPatient: at(0, 0, z),
      ImageOrientationPatient: iop,
      PixelSpacing: [ps, ps],
      SliceThickness: ss,
      ...greyscalePixelModule(rows, columns, pixels),
      ...o.extra,
    });
  }
  return { images, truth, rows, columns, slices, spacingMm: [ps, ps, ss] };
}
