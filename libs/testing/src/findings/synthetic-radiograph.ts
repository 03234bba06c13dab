import { generateUid, type DicomElements } from '@nidus/dicom';
import { SeededRandom } from '../phantom/seeded-random';
import { greyscalePixelModule } from './pixel-module';

/** Digital X-Ray Image Storage - For Presentation (PS3.4 B.5). */
export const DX_FOR_PRESENTATION = '1.2.840.10008.5.1.4.1.1.1.1';
/** Digital X-Ray Image Storage - For Processing. */
export const DX_FOR_PROCESSING = '1.2.840.10008.5.1.4.1.1.1.1.1';
/** Computed Radiography Image Storage. */
export const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';

export interface RadiographOpacity {
  /** centre, pixels (column, row) */
  x: number;
  y: number;
  radiusPx: number;
  /** added brightness, display units (0..1) */
  contrast: number;
}

export interface RadiographOptions {
  rows?: number;
  columns?: number;
  PhotometricInterpretation?: 'MONOCHROME1' | 'MONOCHROME2';
  SOPClassUID?: string;
  Modality?: 'DX' | 'CR';
  opacity?: RadiographOpacity;
  /** noise, display units; default 0.01 */
  noise?: number;
  seed?: number;
  /** leave out WindowCenter/WindowWidth */
  noWindow?: boolean;
  /** UIDs and patient attributes to use instead of generated ones */
  extra?: DicomElements;
  /** UIDs by role ('study', 'series', 'frame-of-reference', 'instance/<n>'); default generated */
  uid?: (role: string) => string;
}

export interface SyntheticRadiograph {
  elements: DicomElements;
  /** the display image (MONOCHROME2 sense, 0..1) before quantisation, row-major */
  display: Float32Array;
  opacity?: RadiographOpacity;
}

// Math's functions held locally: global lookups are slow inside jest's vm sandbox
const { exp, sqrt, round, min, max } = Math;

/** A soft step: 1 well inside (negative distance), 0 well outside, over about `width`. */
function smooth(signedDistance: number, width: number): number {
  const t = signedDistance / width;
  return t > 30 ? 0 : t < -30 ? 1 : 1 / (1 + exp(t));
}

/** Approximate signed distance to an ellipse's boundary, in units of its smaller semi-axis. */
function ellipseDistance(x: number, y: number, cx: number, cy: number, ax: number, ay: number): number {
  const u = (x - cx) / ax;
  const v = (y - cy) / ay;
  return (sqrt(u * u + v * v) - 1) * min(ax, ay);
}

/**
 * A frontal chest radiograph phantom, 12-bit: a body ellipse of soft tissue with two darker lung fields (soft
 * edges), brighter towards the abdomen, and optionally a round opacity (a brighter disc with a soft edge) of
 * known centre, radius and contrast; Gaussian noise. MONOCHROME1 stores 4095 - value, with the mirrored
 * window, so both photometric forms show the same image. Not anatomy: a test object with a known answer.
 */
export function syntheticRadiograph(o: RadiographOptions = {}): SyntheticRadiograph {
  const rows = o.rows ?? 2400;
  const columns = o.columns ?? 2000;
  const random = new SeededRandom(o.seed ?? 1);
  const noise = o.noise ?? 0.01;
  const display = new Float32Array(rows * columns);
  const scale = columns / 2000;
  const opacity = o.opacity;
  const uid = o.uid ?? (() => generateUid());
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      let d = 0.05;
      const body = smooth(ellipseDistance(x, y, columns / 2, rows * 0.56, columns * 0.47, rows * 0.53), 25 * scale);
      d += body * (0.52 + 0.12 * (y / rows));
      const lungs =
        smooth(ellipseDistance(x, y, columns * 0.3, rows * 0.43, columns * 0.15, rows * 0.27), 30 * scale) +
        smooth(ellipseDistance(x, y, columns * 0.7, rows * 0.43, columns * 0.15, rows * 0.27), 30 * scale);
      d -= 0.34 * lungs;
      if (opacity) {
        const dx = x - opacity.x;
        const dy = y - opacity.y;
        d += opacity.contrast * smooth(sqrt(dx * dx + dy * dy) - opacity.radiusPx, 6 * scale);
      }
      display[y * columns + x] = d;
    }
  }
  const pixels = new Uint16Array(rows * columns);
  const mono1 = o.PhotometricInterpretation === 'MONOCHROME1';
  for (let i = 0; i < pixels.length; i++) {
    const v = min(4095, max(0, round((display[i] + noise * random.gaussian()) * 4095)));
    pixels[i] = mono1 ? 4095 - v : v;
  }
  const elements: DicomElements = {
    SOPClassUID: o.SOPClassUID ?? DX_FOR_PRESENTATION,
    SOPInstanceUID: uid('instance/0'),
    StudyInstanceUID: uid('study'),
    SeriesInstanceUID: uid('series'),
    Modality: o.Modality ?? 'DX',
    PatientID: 'NIDUS-SYNTH-CXR',
    PatientName: 'SYNTHETIC^RADIOGRAPH',
    StudyDate: '20240601',
    SeriesNumber: 1,
    InstanceNumber: 1,
    BodyPartExamined: 'CHEST',
    ViewPosition: 'PA',
    ImageType: ['ORIGINAL', 'PRIMARY'],
    PresentationIntentType: 'FOR PRESENTATION',
    ImagerPixelSpacing: [0.175 / scale, 0.175 / scale],
    ...greyscalePixelModule(rows, columns, pixels, { bitsStored: 12, PhotometricInterpretation: mono1 ? 'MONOCHROME1' : 'MONOCHROME2' }),
    RescaleSlope: 1,
    RescaleIntercept: 0,
    ...o.extra,
  };
  // the mirrored window maps 4095 - x exactly as the MONOCHROME2 window maps x (PS3.3 C.11.2.1.2.1)
  if (!o.noWindow) Object.assign(elements, { WindowCenter: 2048, WindowWidth: 4096 });
  return { elements, display, opacity: o.opacity };
}
