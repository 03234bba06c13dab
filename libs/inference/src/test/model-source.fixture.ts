import type { ModalityLut, Voi } from '@nidus/imaging';
import type { ModelSource } from '../preprocessing/model-source';

export interface SourceFixtureOptions {
  stored: ArrayLike<number>;
  rows: number;
  columns: number;
  slices?: number;
  modalityLuts?: ModalityLut[];
  vois?: (Voi | undefined)[];
  PhotometricInterpretation?: string;
  Modality?: string;
  storedRange?: [number, number];
  spacingMm?: [number, number, number];
  ImageOrientationPatient?: [number, number, number, number, number, number];
}

/** A ModelSource made from arrays, for tests of the steps without DICOM files. */
export function sourceFixture(o: SourceFixtureOptions): ModelSource {
  const slices = o.slices ?? 1;
  return {
    header: { Modality: o.Modality ?? 'CT', ImageType: ['ORIGINAL', 'PRIMARY'], PhotometricInterpretation: o.PhotometricInterpretation ?? 'MONOCHROME2' },
    geometry: {
      rows: o.rows,
      columns: o.columns,
      slices,
      spacingMm: o.spacingMm,
      ImageOrientationPatient: o.ImageOrientationPatient,
      origin: o.ImageOrientationPatient ? [0, 0, 0] : undefined,
      SOPInstanceUIDs: Array.from({ length: slices }, (_, z) => `1.2.3.${z + 1}`),
    },
    stored: Float32Array.from(o.stored),
    modalityLuts: o.modalityLuts ?? Array.from({ length: slices }, () => ({ kind: 'rescale', RescaleSlope: 1, RescaleIntercept: 0 })),
    vois: o.vois ?? Array.from({ length: slices }, () => undefined),
    storedRange: o.storedRange ?? [0, 4095],
  };
}
