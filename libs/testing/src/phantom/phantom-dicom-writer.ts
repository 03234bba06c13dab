import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateUid, TransferSyntaxUIDs, writePart10, type DicomElements, SopClass } from '@nidus/dicom';
import type { Volume4D } from '@nidus/imaging';

/** CT Image Storage (PS3.4 B.5) */
const RESCALE_INTERCEPT = -1024;

export interface PhantomSeriesOptions {
  PatientName?: string;
  PatientID?: string;
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  FrameOfReferenceUID?: string;
  AccessionNumber?: string;
  /** acquisition date (YYYYMMDD) and the time of the first image (seconds after midnight) */
  StudyDate?: string;
  startSecondsOfDay?: number;
  /** write TemporalPositionIdentifier (often absent in real series; default false) */
  temporalPositions?: boolean;
  transferSyntaxUID?: string;
}

export interface PhantomSeriesFiles {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  paths: string[];
}

/** DICOM TM (PS3.5 6.2) of seconds after midnight, microseconds kept. */
export function formatTime(secondsOfDay: number): string {
  const wrapped = ((secondsOfDay % 86400) + 86400) % 86400;
  const h = Math.floor(wrapped / 3600);
  const m = Math.floor((wrapped % 3600) / 60);
  const s = wrapped - h * 3600 - m * 60;
  const whole = Math.floor(s);
  const micro = Math.round((s - whole) * 1e6);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return micro === 1e6 ? formatTime(Math.ceil(secondsOfDay)) : `${pad(h)}${pad(m)}${pad(whole)}.${pad(micro, 6)}`;
}

/**
 * The datasets of a phantom as a CT perfusion series: one CT Image Storage instance per slice per time
 * point, Int16 pixels stored as HU + 1024 with RescaleIntercept -1024 (PS3.3 C.11.1.1.2), the Patient,
 * General Study, General Series, Frame of Reference, General Equipment, General/CT Image, Image Plane and
 * Image Pixel modules, AcquisitionTime per time point.
 */
export function* phantomDatasets(volume: Volume4D, options: PhantomSeriesOptions = {}): Generator<{ t: number; z: number; elements: DicomElements }> {
  const StudyInstanceUID = options.StudyInstanceUID ?? generateUid();
  const SeriesInstanceUID = options.SeriesInstanceUID ?? generateUid();
  const FrameOfReferenceUID = options.FrameOfReferenceUID ?? generateUid();
  const StudyDate = options.StudyDate ?? '20240501';
  const start = options.startSecondsOfDay ?? 10 * 3600 + 15 * 60;
  const { columns, rows, slices, timePoints } = volume;
  const [dx, dy, dz] = volume.spacingMm;
  const frame = columns * rows;
  for (let t = 0; t < timePoints; t++) {
    const time = formatTime(start + volume.timesSeconds[t]);
    for (let z = 0; z < slices; z++) {
      const pixels = new Int16Array(frame);
      const offset = (t * slices + z) * frame;
      for (let i = 0; i < frame; i++) {
        const stored = Math.round(volume.data[offset + i]) - RESCALE_INTERCEPT;
        pixels[i] = Math.max(-32768, Math.min(32767, stored));
      }
      const position = volume.ImagePositionPatient[z];
      const elements: DicomElements = {
        SOPClassUID: SopClass.CTImageStorage,
        SOPInstanceUID: volume.SOPInstanceUIDs[t][z],
        SpecificCharacterSet: 'ISO_IR 100',
        ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
        StudyDate,
        SeriesDate: StudyDate,
        AcquisitionDate: StudyDate,
        ContentDate: StudyDate,
        StudyTime: formatTime(start - 60),
        SeriesTime: formatTime(start),
        AcquisitionTime: time,
        ContentTime: time,
        AccessionNumber: options.AccessionNumber ?? 'PH0001',
        Modality: 'CT',
        Manufacturer: 'Nidus phantom',
        InstitutionName: 'Digital phantom',
        ReferringPhysicianName: '',
        StudyDescription: 'CT PERFUSION HEAD',
        SeriesDescription: 'CTP 4D phantom',
        ManufacturerModelName: 'Kudo-style digital phantom',
        PatientName: options.PatientName ?? 'PHANTOM^PERFUSION',
        PatientID: options.PatientID ?? 'PHANTOM-CTP',
        PatientBirthDate: '19500101',
        PatientSex: 'O',
        BodyPartExamined: 'HEAD',
        SliceThickness: dz,
        KVP: 80,
        PatientPosition: 'HFS',
        StudyInstanceUID,
        SeriesInstanceUID,
        StudyID: '1',
        SeriesNumber: 4,
        AcquisitionNumber: 1,
        InstanceNumber: t * slices + z + 1,
        ImagePositionPatient: [...position],
        ImageOrientationPatient: [...volume.ImageOrientationPatient],
        FrameOfReferenceUID,
        PositionReferenceIndicator: '',
        SliceLocation: position[2],
        TemporalPositionIdentifier: options.temporalPositions ? t + 1 : undefined,
        NumberOfTemporalPositions: options.temporalPositions ? timePoints : undefined,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        Rows: rows,
        Columns: columns,
        PixelSpacing: [dy, dx],
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        WindowCenter: 40,
        WindowWidth: 80,
        RescaleIntercept: RESCALE_INTERCEPT,
        RescaleSlope: 1,
        RescaleType: 'HU',
        PixelData: pixels,
      };
      yield { t, z, elements };
    }
  }
}

/** Writes the series as Part 10 files (t<time>_z<slice>.dcm) under a directory; returns their paths. */
export function writePhantomSeries(volume: Volume4D, directory: string, options: PhantomSeriesOptions = {}): PhantomSeriesFiles {
  mkdirSync(directory, { recursive: true });
  const StudyInstanceUID = options.StudyInstanceUID ?? generateUid();
  const SeriesInstanceUID = options.SeriesInstanceUID ?? generateUid();
  const transferSyntaxUID = options.transferSyntaxUID ?? TransferSyntaxUIDs.ExplicitVRLittleEndian;
  const paths: string[] = [];
  for (const { t, z, elements } of phantomDatasets(volume, { ...options, StudyInstanceUID, SeriesInstanceUID })) {
    const path = join(directory, `t${String(t).padStart(3, '0')}_z${String(z).padStart(3, '0')}.dcm`);
    writeFileSync(path, writePart10(elements, { transferSyntaxUID }));
    paths.push(path);
  }
  return { StudyInstanceUID, SeriesInstanceUID, paths };
}
