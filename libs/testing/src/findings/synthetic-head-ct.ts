import { generateUid, type DicomElements } from '@nidus/dicom';
import { SeededRandom } from '../phantom/seeded-random';
import { greyscalePixelModule } from './pixel-module';
import { ellipsoidDistance, ellipsoidRadius, type Ellipsoid } from './ellipsoid';

// Math's functions held locally: global lookups are slow inside jest's vm sandbox
const { sin, cos, round } = Math;
/** CT Image Storage (PS3.4 B.5). */
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface HeadCtOptions {
  rows?: number;
  columns?: number;
  slices?: number;
  pixelSpacingMm?: number;
  sliceSpacingMm?: number;
  /** the haemorrhage-like blob; absent: none */
  blob?: Ellipsoid & { hu?: number };
  noiseHu?: number;
  seed?: number;
  /** RescaleIntercept (default -1024) */
  rescaleIntercept?: number;
  extra?: DicomElements;
  /** UIDs by role ('study', 'series', 'frame-of-reference', 'instance/<n>'); default generated */
  uid?: (role: string) => string;
}

export interface SyntheticHeadCt {
  /** one image per slice, foot to head */
  images: DicomElements[];
  /** the blob's voxels, index (z * rows + y) * columns + x in slice order */
  truth: Uint8Array;
  rows: number;
  columns: number;
  slices: number;
  /** [column, row, slice] mm */
  spacingMm: [number, number, number];
}

export const HEAD: Ellipsoid = { centreMm: [0, 0, 0], radiiMm: [72, 90, 76] };

/**
 * An axial head CT phantom: an ellipsoidal head with 4 mm of scalp (40 HU), 7 mm of skull (1000 HU), brain
 * (30-36 HU), two ventricles (8 HU), and optionally an ellipsoidal blob (70 HU) of known voxels; Gaussian
 * noise. Values at voxel centres (no partial volume), stored as HU - RescaleIntercept in Int16.
 */
export function syntheticHeadCt(o: HeadCtOptions = {}): SyntheticHeadCt {
  const rows = o.rows ?? 512;
  const columns = o.columns ?? 512;
  const slices = o.slices ?? 24;
  const ps = o.pixelSpacingMm ?? 0.45;
  const ss = o.sliceSpacingMm ?? 5;
  const intercept = o.rescaleIntercept ?? -1024;
  const random = new SeededRandom(o.seed ?? 2);
  const noise = o.noiseHu ?? 4;
  const uid = o.uid ?? (() => generateUid());
  const StudyInstanceUID = uid('study');
  const SeriesInstanceUID = uid('series');
  const FrameOfReferenceUID = uid('frame-of-reference');
  const origin: [number, number, number] = [-((columns - 1) / 2) * ps, -((rows - 1) / 2) * ps, -((slices - 1) / 2) * ss];
  const ventricles: Ellipsoid[] = [
    { centreMm: [-12, -8, 10], radiiMm: [7, 22, 12] },
    { centreMm: [12, -8, 10], radiiMm: [7, 22, 12] },
  ];
  const truth = new Uint8Array(rows * columns * slices);
  const images: DicomElements[] = [];
  for (let z = 0; z < slices; z++) {
    const pixels = new Int16Array(rows * columns);
    const pz = origin[2] + z * ss;
    for (let y = 0; y < rows; y++) {
      const py = origin[1] + y * ps;
      for (let x = 0; x < columns; x++) {
        const p: [number, number, number] = [origin[0] + x * ps, py, pz];
        const depth = -ellipsoidDistance(HEAD, p);
        let hu = -1000;
        if (depth >= 0) {
          if (depth < 4) hu = 40;
          else if (depth < 11) hu = 1000;
          else {
            hu = 33 + 3 * sin(p[0] / 9) * cos(p[1] / 11);
            if (ventricles.some((v) => ellipsoidRadius(v, p) <= 1)) hu = 8;
            if (o.blob && ellipsoidRadius(o.blob, p) <= 1) {
              hu = o.blob.hu ?? 70;
              truth[(z * rows + y) * columns + x] = 1;
            }
          }
        }
        pixels[y * columns + x] = round(hu + noise * random.gaussian() - intercept);
      }
    }
    images.push({
      SOPClassUID: CT_IMAGE_STORAGE,
      SOPInstanceUID: uid(`instance/${z}`),
      StudyInstanceUID,
      SeriesInstanceUID,
      FrameOfReferenceUID,
      Modality: 'CT',
      PatientID: 'NIDUS-SYNTH-CT',
      PatientName: 'SYNTHETIC^HEADCT',
      StudyDate: '20240601',
      SeriesNumber: 2,
      SeriesDescription: 'HEAD WO',
      BodyPartExamined: 'HEAD',
      ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      InstanceNumber: z + 1,
      ImagePositionPatient: [origin[0], origin[1], pz],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: [ps, ps],
      SliceThickness: ss,
      ...greyscalePixelModule(rows, columns, pixels),
      RescaleIntercept: intercept,
      RescaleSlope: 1,
      WindowCenter: 40,
      WindowWidth: 80,
      ...o.extra,
    });
  }
  return { images, truth, rows, columns, slices, spacingMm: [ps, ps, ss] };
}
