// A small synthetic CT series written with writePart10 and read back, as a source for result objects.
import { DicomDataset, generateUid, readPart10, sliceNormal, SopClass, SourceSlices, writePart10, type EncodedText } from '@nidus/dicom';

export interface SyntheticSeries {
  files: Buffer[];
  datasets: DicomDataset[];
  geometry: SourceSlices;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  FrameOfReferenceUID: string;
}

export interface SyntheticCtSeriesOptions {
  rows: number;
  columns: number;
  slices: number;
  PixelSpacing?: [number, number];
  sliceSpacing?: number;
  ImageOrientationPatient?: [number, number, number, number, number, number];
  origin?: [number, number, number];
  /** a string (encoded in SpecificCharacterSet by the writer) or the exact bytes */
  PatientName?: string | EncodedText;
  PatientID?: string;
  SpecificCharacterSet?: string;
}

export function syntheticCtSeries(o: SyntheticCtSeriesOptions): SyntheticSeries {
  const StudyInstanceUID = generateUid();
  const SeriesInstanceUID = generateUid();
  const FrameOfReferenceUID = generateUid();
  const iop = o.ImageOrientationPatient ?? [1, 0, 0, 0, 1, 0];
  const spacing = o.sliceSpacing ?? 5;
  const origin = o.origin ?? [-0.5 * o.columns, -0.5 * o.rows, 20];
  const normal = sliceNormal(iop);
  const PixelSpacing = o.PixelSpacing ?? [0.5, 0.5];
  const slices = Array.from({ length: o.slices }, (_, z) => ({
    ImagePositionPatient: [origin[0] + normal[0] * spacing * z, origin[1] + normal[1] * spacing * z, origin[2] + normal[2] * spacing * z] as [
      number,
      number,
      number,
    ],
    SOPClassUID: SopClass.CTImageStorage,
    SOPInstanceUID: generateUid(),
  }));
  const files = slices.map((slice, z) =>
    writePart10({
      SpecificCharacterSet: o.SpecificCharacterSet,
      SOPClassUID: SopClass.CTImageStorage,
      SOPInstanceUID: slice.SOPInstanceUID,
      ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      StudyDate: '20240501',
      StudyTime: '101500',
      AccessionNumber: 'ACC123',
      Modality: 'CT',
      Manufacturer: 'Synthetic',
      ReferringPhysicianName: 'Ref^Doctor',
      StudyDescription: 'CT PERFUSION HEAD',
      PatientName: o.PatientName ?? 'Stroke^Synthetic',
      PatientID: o.PatientID ?? 'SYN-001',
      IssuerOfPatientID: 'NIDUS-TEST',
      PatientBirthDate: '19500101',
      PatientSex: 'F',
      PatientAge: '074Y',
      KVP: 80,
      SliceThickness: spacing,
      StudyInstanceUID,
      SeriesInstanceUID,
      StudyID: 'S1',
      SeriesNumber: 3,
      InstanceNumber: z + 1,
      ImagePositionPatient: [...slice.ImagePositionPatient],
      ImageOrientationPatient: iop,
      FrameOfReferenceUID,
      PositionReferenceIndicator: '',
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: o.rows,
      Columns: o.columns,
      PixelSpacing,
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: 1,
      RescaleIntercept: -1024,
      RescaleSlope: 1,
      IssuerOfAccessionNumberSequence: [{ LocalNamespaceEntityID: 'HOSPITAL' }],
      PixelData: new Int16Array(o.rows * o.columns).map((_, i) => 1024 + ((i * 13 + z) % 80)),
    }),
  );
  return {
    files,
    datasets: files.map((f) => readPart10(f)),
    geometry: { SeriesInstanceUID, Rows: o.rows, Columns: o.columns, ImageOrientationPatient: iop, PixelSpacing, SliceThickness: spacing, slices },
    StudyInstanceUID,
    SeriesInstanceUID,
    FrameOfReferenceUID,
  };
}

/** A mask on the grid: a box [z0,z1) x [y0,y1) x [x0,x1). */
export function boxMask(slices: number, rows: number, columns: number, box: { z: [number, number]; y: [number, number]; x: [number, number] }): Uint8Array {
  const mask = new Uint8Array(slices * rows * columns);
  for (let z = box.z[0]; z < box.z[1]; z++)
    for (let y = box.y[0]; y < box.y[1]; y++) for (let x = box.x[0]; x < box.x[1]; x++) mask[(z * rows + y) * columns + x] = 1;
  return mask;
}
