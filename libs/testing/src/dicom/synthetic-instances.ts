import { DicomElements, generateUid, SopClass, writePart10 } from '@nidus/dicom';

export interface SyntheticCtFilesOptions {
  count: number;
  rows?: number;
  columns?: number;
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  transferSyntaxUID?: string;
  SeriesDescription?: string;
}

/** One CT slice with an Int16 pixel ramp; enough attributes for a Storage SCP and the ingest index. */
export function syntheticCtElements(
  index: number,
  o: { rows: number; columns: number; StudyInstanceUID: string; SeriesInstanceUID: string; SeriesDescription?: string },
): DicomElements {
  const pixels = new Int16Array(o.rows * o.columns);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 7 + index * 13) % 2000) - 1000;
  return {
    SOPClassUID: SopClass.CTImageStorage,
    SOPInstanceUID: generateUid(),
    StudyInstanceUID: o.StudyInstanceUID,
    SeriesInstanceUID: o.SeriesInstanceUID,
    PatientName: 'Synthetic^Head',
    PatientID: 'SYN-0001',
    StudyDate: '20240101',
    Modality: 'CT',
    SeriesDescription: o.SeriesDescription ?? 'synthetic',
    SeriesNumber: 1,
    InstanceNumber: index + 1,
    ImagePositionPatient: [-125, -125, index * 2.5],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [0.5, 0.5],
    SliceThickness: 2.5,
    Rows: o.rows,
    Columns: o.columns,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    RescaleIntercept: 0,
    RescaleSlope: 1,
    PixelData: pixels,
  };
}

/** Part 10 files of one synthetic CT series. */
export function syntheticCtFiles(options: SyntheticCtFilesOptions): Buffer[] {
  const StudyInstanceUID = options.StudyInstanceUID ?? generateUid();
  const SeriesInstanceUID = options.SeriesInstanceUID ?? generateUid();
  const rows = options.rows ?? 64;
  const columns = options.columns ?? 64;
  return Array.from({ length: options.count }, (_, i) =>
    writePart10(syntheticCtElements(i, { rows, columns, StudyInstanceUID, SeriesInstanceUID, SeriesDescription: options.SeriesDescription }), {
      transferSyntaxUID: options.transferSyntaxUID,
    }),
  );
}
