import type { DicomDataset } from '@nidus/dicom';
import {
  decodeFrameInto,
  IDENTITY_MODALITY_LUT,
  modalityLutOf,
  pixelModuleOf,
  prepareDecoders,
  sliceNormal,
  sortSlices,
  stackGeometry,
  voisOf,
  type ModalityLut,
  type Orientation,
  type Vec3,
  type Voi,
} from '@nidus/imaging';
import { ModelInputError } from '../inference.errors';

/** The header facts a model's `appliesTo` is checked against. */
export interface SourceHeader {
  Modality?: string;
  BodyPartExamined?: string;
  SOPClassUID?: string;
  SeriesDescription?: string;
  ImageType: string[];
  PhotometricInterpretation: string;
}

/** Where the source voxels are: slice order, size and, when the images have an Image Plane module, position. */
export interface SourceGeometry {
  rows: number;
  columns: number;
  slices: number;
  /** [column spacing, row spacing, slice spacing] mm; absent when the images say nothing of spacing */
  spacingMm?: [number, number, number];
  ImageOrientationPatient?: Orientation;
  /** ImagePositionPatient of the first slice */
  origin?: Vec3;
  /** SOPInstanceUID of each slice, in slice order (along the normal) */
  SOPInstanceUIDs: string[];
}

/**
 * Decoded images as a model takes them: stored values (no LUT yet, so that each declared step is the only
 * transform), index (z * rows + y) * columns + x, with each slice's Modality LUT and first VOI.
 */
export interface ModelSource {
  header: SourceHeader;
  geometry: SourceGeometry;
  stored: Float32Array;
  modalityLuts: ModalityLut[];
  vois: (Voi | undefined)[];
  /** the range stored values can take (BitsStored, PixelRepresentation; PS3.3 C.7.6.3.1) */
  storedRange: [number, number];
}

function text(ds: DicomDataset, keyword: string): string | undefined {
  try {
    return ds.string(keyword);
  } catch {
    return undefined;
  }
}

/** The header facts of an image. */
export function sourceHeaderOf(ds: DicomDataset): SourceHeader {
  return {
    Modality: text(ds, 'Modality'),
    BodyPartExamined: text(ds, 'BodyPartExamined'),
    SOPClassUID: text(ds, 'SOPClassUID'),
    SeriesDescription: text(ds, 'SeriesDescription'),
    ImageType: (text(ds, 'ImageType') ?? '')
      .split('\\')
      .map((v) => v.trim())
      .filter(Boolean),
    PhotometricInterpretation: pixelModuleOf(ds).PhotometricInterpretation,
  };
}

/** PixelSpacing, else ImagerPixelSpacing (projection radiography, PS3.3 10.7.1.3): [row spacing, column spacing]. */
function inPlaneSpacing(ds: DicomDataset): [number, number] | undefined {
  for (const keyword of ['PixelSpacing', 'ImagerPixelSpacing']) {
    const v = ds.numbers(keyword);
    if (v.length === 2 && v[0] > 0 && v[1] > 0) return [v[0], v[1]];
  }
  return undefined;
}

function checkGreyscale(modelId: string, ds: DicomDataset): void {
  const m = pixelModuleOf(ds);
  if (m.SamplesPerPixel !== 1 || (m.PhotometricInterpretation !== 'MONOCHROME1' && m.PhotometricInterpretation !== 'MONOCHROME2')) {
    throw new ModelInputError(
      modelId,
      'photometric',
      `the model takes greyscale images, not ${m.PhotometricInterpretation} with ${m.SamplesPerPixel} samples per pixel`,
    );
  }
  if (m.NumberOfFrames > 1) throw new ModelInputError(modelId, 'image-count', `multi-frame images (${m.NumberOfFrames} frames) are not supported yet`);
}

function storedRangeOf(ds: DicomDataset): [number, number] {
  const m = pixelModuleOf(ds);
  return m.PixelRepresentation === 1 ? [-(2 ** (m.BitsStored - 1)), 2 ** (m.BitsStored - 1) - 1] : [0, 2 ** m.BitsStored - 1];
}

/**
 * Reads what a model consumes: one image (`image`), or the slices of one series sorted along the normal and
 * checked to form one volume (`slices`, `volume`). Loads the codecs the images need.
 */
export async function readModelSource(modelId: string, datasets: readonly DicomDataset[], consumes: 'image' | 'slices' | 'volume'): Promise<ModelSource> {
  if (datasets.length === 0) throw new ModelInputError(modelId, 'image-count', 'no images');
  if (consumes === 'image' && datasets.length !== 1)
    throw new ModelInputError(modelId, 'image-count', `the model takes one image at a time, not ${datasets.length}`);
  for (const ds of datasets) checkGreyscale(modelId, ds);
  await prepareDecoders(datasets);
  const first = datasets[0];
  const header = sourceHeaderOf(first);
  const photometric = new Set(datasets.map((ds) => pixelModuleOf(ds).PhotometricInterpretation));
  if (photometric.size > 1) throw new ModelInputError(modelId, 'photometric', `the images mix ${[...photometric].join(' and ')}`);

  let ordered: DicomDataset[];
  let geometry: Omit<SourceGeometry, 'SOPInstanceUIDs'>;
  if (consumes === 'image') {
    const m = pixelModuleOf(first);
    const spacing = inPlaneSpacing(first);
    ordered = [first];
    geometry = { rows: m.Rows, columns: m.Columns, slices: 1, spacingMm: spacing ? [spacing[1], spacing[0], 1] : undefined };
    if (first.numbers('ImageOrientationPatient').length === 6 && first.numbers('ImagePositionPatient').length === 3) {
      geometry.ImageOrientationPatient = first.numbers('ImageOrientationPatient') as Orientation;
      geometry.origin = first.numbers('ImagePositionPatient') as Vec3;
    }
  } else {
    let sorted;
    try {
      sorted = sortSlices(datasets);
      const g = stackGeometry(sorted);
      sliceNormal(g.ImageOrientationPatient);
      geometry = {
        rows: g.rows,
        columns: g.columns,
        slices: g.slices,
        spacingMm: g.spacingMm,
        ImageOrientationPatient: g.ImageOrientationPatient,
        origin: g.origin,
      };
    } catch (error) {
      throw new ModelInputError(modelId, 'geometry', `the images do not form one volume: ${(error as Error).message}`);
    }
    ordered = sorted.map((s) => s.item);
  }
  const frame = geometry.rows * geometry.columns;
  const stored = new Float32Array(frame * ordered.length);
  const modalityLuts: ModalityLut[] = [];
  const vois: (Voi | undefined)[] = [];
  ordered.forEach((ds, z) => {
    const m = pixelModuleOf(ds);
    if (m.Rows !== geometry.rows || m.Columns !== geometry.columns) throw new ModelInputError(modelId, 'geometry', 'the images differ in size');
    try {
      decodeFrameInto(ds, 0, stored, z * frame, IDENTITY_MODALITY_LUT);
      modalityLuts.push(modalityLutOf(ds));
      vois.push(voisOf(ds)[0]);
    } catch (error) {
      throw new ModelInputError(modelId, 'pixel-data', `cannot read the pixels of ${text(ds, 'SOPInstanceUID') ?? 'an image'}: ${(error as Error).message}`);
    }
  });
  return {
    header,
    geometry: { ...geometry, SOPInstanceUIDs: ordered.map((ds) => text(ds, 'SOPInstanceUID') ?? '') },
    stored,
    modalityLuts,
    vois,
    storedRange: storedRangeOf(first),
  };
}
