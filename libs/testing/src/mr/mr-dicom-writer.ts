import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateUid, SopClass, TransferSyntaxUIDs, writePart10, type DicomElements } from '@nidus/dicom';
import { formatTime } from '../phantom/phantom-dicom-writer';
import type { DiffusionImages, MrStrokePhantom } from './mr-stroke-phantom';
import { withPrivateElements, type PrivateElement } from './private-elements';

/** Where a scanner puts the b-value of a diffusion image. */
export type BValueConvention =
  /** DiffusionBValue (0018,9087), PS3.3 C.8.13.5.9 (recent software of every vendor) */
  | 'standard'
  /** Siemens CSA-era: private creator "SIEMENS MR HEADER" (0019,0010), b-value in (0019,100C) IS */
  | 'siemens'
  /** GE: private creator "GEMS_PARM_01" (0043,0010), b-value as the first value of (0043,1039) IS, often + 1000000000 */
  | 'ge';

export interface MrStudyIdentity {
  PatientName?: string;
  PatientID?: string;
  StudyInstanceUID?: string;
  AccessionNumber?: string;
  StudyDate?: string;
  /** FrameOfReferenceUID of each series: one examination shares one unless the scanner was re-landmarked */
  FrameOfReferenceUID?: string;
  /** a different FrameOfReferenceUID for the diffusion series (default: the study's) */
  diffusionFrameOfReferenceUID?: string;
}

export interface MrSeriesWriteOptions extends MrStudyIdentity {
  bValues?: BValueConvention;
  /** also write the scanner's ADC map as its own series (ImageType DERIVED\PRIMARY\DIFFUSION\ADC) */
  adcMap?: boolean;
  /** write the b = 0 and b = 1000 images as two series instead of one */
  splitDiffusion?: boolean;
  /** leave TemporalPositionIdentifier / NumberOfTemporalPositions out of the DSC series (some scanners do) */
  noTemporalPositions?: boolean;
}

export interface WrittenMrStudy {
  StudyInstanceUID: string;
  FrameOfReferenceUID: string;
  dsc?: { SeriesInstanceUID: string; paths: string[] };
  diffusion?: { SeriesInstanceUID: string; paths: string[] }[];
  adc?: { SeriesInstanceUID: string; paths: string[] };
  /** every file, in the order a scanner sends them */
  paths: string[];
}

/** The study's first acquisition, seconds of the day. */
export const START_SECONDS = 9 * 3600 + 40 * 60;

/** The Patient, Study, Series and image pixel attributes every image of the phantom study shares. */
export function common(identity: Required<Pick<MrStudyIdentity, 'StudyInstanceUID' | 'FrameOfReferenceUID'>> & MrStudyIdentity): DicomElements {
  const StudyDate = identity.StudyDate ?? '20240612';
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    StudyDate,
    SeriesDate: StudyDate,
    AcquisitionDate: StudyDate,
    ContentDate: StudyDate,
    StudyTime: formatTime(START_SECONDS - 300),
    AccessionNumber: identity.AccessionNumber ?? 'MR0001',
    Modality: 'MR',
    Manufacturer: 'Nidus phantom',
    InstitutionName: 'Digital phantom',
    ReferringPhysicianName: '',
    StudyDescription: 'MR STROKE BRAIN',
    ManufacturerModelName: 'MR stroke digital phantom',
    PatientName: identity.PatientName ?? 'PHANTOM^MRSTROKE',
    PatientID: identity.PatientID ?? 'PHANTOM-MR',
    PatientBirthDate: '19520303',
    PatientSex: 'O',
    BodyPartExamined: 'BRAIN',
    PatientPosition: 'HFS',
    StudyInstanceUID: identity.StudyInstanceUID,
    StudyID: '1',
    PositionReferenceIndicator: '',
    MagneticFieldStrength: 1.5,
    ImagedNucleus: '1H',
    MRAcquisitionType: '2D',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
  };
}

/** Values as 16-bit unsigned stored values, rounded and clipped. */
export function pixels(values: Float32Array, offset: number, count: number): Uint16Array {
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.max(0, Math.min(65535, Math.round(values[offset + i])));
  return out;
}

function bValueElements(b: number, convention: BValueConvention, index: number): { elements: DicomElements; privates: PrivateElement[] } {
  switch (convention) {
    case 'standard':
      return { elements: { DiffusionBValue: b }, privates: [] };
    case 'siemens':
      return {
        elements: {},
        privates: [
          { tag: 0x00190010, vr: 'LO', value: 'SIEMENS MR HEADER' },
          { tag: 0x0019100c, vr: 'IS', value: b },
        ],
      };
    case 'ge':
      return {
        elements: {},
        privates: [
          { tag: 0x00430010, vr: 'LO', value: 'GEMS_PARM_01' },
          // some GE software adds 10^9 to the b-value; the phantom alternates, as sites differ
          { tag: 0x00431039, vr: 'IS', value: `${index % 2 ? b + 1000000000 : b}\\8\\0\\0` },
        ],
      };
  }
}

function write(directory: string, name: string, elements: DicomElements, privates: PrivateElement[]): string {
  const path = join(directory, name);
  const bytes = writePart10(elements, { transferSyntaxUID: TransferSyntaxUIDs.ExplicitVRLittleEndian });
  writeFileSync(path, privates.length ? withPrivateElements(bytes, privates) : bytes);
  return path;
}

function diffusionSeries(
  dwi: DiffusionImages,
  base: DicomElements,
  directory: string,
  options: { SeriesInstanceUID: string; SeriesNumber: number; bValues: number[]; convention: BValueConvention; FrameOfReferenceUID: string },
): string[] {
  const { columns, rows, slices } = dwi;
  const frame = columns * rows;
  const paths: string[] = [];
  let instance = 1;
  for (const b of options.bValues) {
    const image = b === 0 ? dwi.b0 : dwi.b1000;
    for (let z = 0; z < slices; z++) {
      const { elements: bElements, privates } = bValueElements(b, options.convention, z);
      const time = formatTime(START_SECONDS + 120 + instance * 0.1);
      const elements: DicomElements = {
        ...base,
        SOPClassUID: SopClass.MRImageStorage,
        SOPInstanceUID: generateUid(),
        ImageType: ['ORIGINAL', 'PRIMARY', 'DIFFUSION', b === 0 ? 'NONE' : 'TRACEW'],
        SeriesTime: formatTime(START_SECONDS + 120),
        AcquisitionTime: time,
        ContentTime: time,
        SeriesDescription: 'ep2d_diff_3scan_trace',
        SeriesInstanceUID: options.SeriesInstanceUID,
        SeriesNumber: options.SeriesNumber,
        AcquisitionNumber: 1,
        InstanceNumber: instance++,
        FrameOfReferenceUID: options.FrameOfReferenceUID,
        ScanningSequence: ['SE', 'EP'],
        SequenceVariant: ['SK', 'SP'],
        ScanOptions: ['PFP', 'FS'],
        SequenceName: b === 0 ? '*ep_b0' : `*ep_b${b}t`,
        RepetitionTime: 5200,
        EchoTime: 89,
        EchoTrainLength: 1,
        SliceThickness: dwi.spacingMm[2],
        ImagePositionPatient: [...dwi.ImagePositionPatient[z]],
        ImageOrientationPatient: [...dwi.ImageOrientationPatient],
        SliceLocation: dwi.ImagePositionPatient[z][2],
        Rows: rows,
        Columns: columns,
        PixelSpacing: [dwi.spacingMm[1], dwi.spacingMm[0]],
        WindowCenter: b === 0 ? 700 : 400,
        WindowWidth: b === 0 ? 1400 : 800,
        ...bElements,
        PixelData: pixels(image, z * frame, frame),
      };
      paths.push(write(directory, `dwi_${options.SeriesNumber}_${String(instance).padStart(4, '0')}.dcm`, elements, privates));
    }
  }
  return paths;
}

/**
 * Writes the phantom study as a scanner sends it: a classic MR Image Storage DSC series (EchoTime, RepetitionTime,
 * TemporalPositionIdentifier / NumberOfTemporalPositions, AcquisitionTime per time point), a diffusion series with
 * the b-value where the chosen vendor puts it, and optionally the scanner's ADC map (values in 10^-6 mm^2/s).
 */
export function writeMrStudy(phantom: MrStrokePhantom, directory: string, options: MrSeriesWriteOptions = {}): WrittenMrStudy {
  mkdirSync(directory, { recursive: true });
  const StudyInstanceUID = options.StudyInstanceUID ?? generateUid();
  const FrameOfReferenceUID = options.FrameOfReferenceUID ?? generateUid();
  const base = common({ ...options, StudyInstanceUID, FrameOfReferenceUID });
  const written: WrittenMrStudy = { StudyInstanceUID, FrameOfReferenceUID, paths: [] };

  const dwi = phantom.dwi;
  if (dwi) {
    const convention = options.bValues ?? 'standard';
    const frameOfReference = options.diffusionFrameOfReferenceUID ?? FrameOfReferenceUID;
    const groups = options.splitDiffusion ? [[0], [dwi.bValue]] : [[0, dwi.bValue]];
    written.diffusion = groups.map((bValues, i) => {
      const SeriesInstanceUID = generateUid();
      const paths = diffusionSeries(dwi, base, directory, {
        SeriesInstanceUID,
        SeriesNumber: 5 + i,
        bValues,
        convention,
        FrameOfReferenceUID: frameOfReference,
      });
      return { SeriesInstanceUID, paths };
    });
    written.paths.push(...written.diffusion.flatMap((d) => d.paths));
    if (options.adcMap) {
      const SeriesInstanceUID = generateUid();
      const frame = dwi.columns * dwi.rows;
      const paths: string[] = [];
      for (let z = 0; z < dwi.slices; z++) {
        const adc = new Uint16Array(frame);
        for (let i = 0; i < frame; i++) {
          // the scanner's own fit of the two images it measured, in 10^-6 mm^2/s, 0 where there is no signal
          const s0 = dwi.b0[z * frame + i];
          const sb = dwi.b1000[z * frame + i];
          adc[i] = s0 > 40 && sb > 0 ? Math.min(4000, Math.round((Math.log(s0 / sb) / dwi.bValue) * 1e6)) : 0;
        }
        const elements: DicomElements = {
          ...base,
          SOPClassUID: SopClass.MRImageStorage,
          SOPInstanceUID: generateUid(),
          ImageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC'],
          SeriesTime: formatTime(START_SECONDS + 121),
          AcquisitionTime: formatTime(START_SECONDS + 121),
          ContentTime: formatTime(START_SECONDS + 121),
          SeriesDescription: 'ep2d_diff_3scan_trace_ADC',
          SeriesInstanceUID,
          SeriesNumber: 7,
          AcquisitionNumber: 1,
          InstanceNumber: z + 1,
          FrameOfReferenceUID: options.diffusionFrameOfReferenceUID ?? FrameOfReferenceUID,
          ScanningSequence: ['SE', 'EP'],
          SequenceVariant: ['SK', 'SP'],
          ScanOptions: ['PFP', 'FS'],
          RepetitionTime: 5200,
          EchoTime: 89,
          EchoTrainLength: 1,
          SliceThickness: dwi.spacingMm[2],
          ImagePositionPatient: [...dwi.ImagePositionPatient[z]],
          ImageOrientationPatient: [...dwi.ImageOrientationPatient],
          SliceLocation: dwi.ImagePositionPatient[z][2],
          Rows: dwi.rows,
          Columns: dwi.columns,
          PixelSpacing: [dwi.spacingMm[1], dwi.spacingMm[0]],
          WindowCenter: 1000,
          WindowWidth: 2000,
          PixelData: adc,
        };
        paths.push(write(directory, `adc_${String(z + 1).padStart(4, '0')}.dcm`, elements, []));
      }
      written.adc = { SeriesInstanceUID, paths };
      written.paths.push(...paths);
    }
  }

  const dsc = phantom.dsc;
  if (dsc) {
    const SeriesInstanceUID = generateUid();
    const { columns, rows, slices, timePoints } = dsc;
    const frame = columns * rows;
    const paths: string[] = [];
    for (let t = 0; t < timePoints; t++) {
      const time = formatTime(START_SECONDS + 300 + dsc.timesSeconds[t]);
      for (let z = 0; z < slices; z++) {
        const elements: DicomElements = {
          ...base,
          SOPClassUID: SopClass.MRImageStorage,
          SOPInstanceUID: dsc.SOPInstanceUIDs[t][z],
          ImageType: ['ORIGINAL', 'PRIMARY', 'PERFUSION', 'NONE'],
          SeriesTime: formatTime(START_SECONDS + 300),
          AcquisitionTime: time,
          ContentTime: time,
          SeriesDescription: 'ep2d_perf',
          SeriesInstanceUID,
          SeriesNumber: 9,
          AcquisitionNumber: t + 1,
          InstanceNumber: t * slices + z + 1,
          FrameOfReferenceUID,
          ScanningSequence: 'EP',
          SequenceVariant: ['SK', 'SP'],
          ScanOptions: ['PFP', 'FS'],
          SequenceName: '*epfid2d1_96',
          RepetitionTime: dsc.RepetitionTime * 1000,
          EchoTime: Math.round(dsc.EchoTime * 1e5) / 100,
          EchoTrainLength: 1,
          FlipAngle: 90,
          SliceThickness: dsc.spacingMm[2],
          ImagePositionPatient: [...dsc.ImagePositionPatient[z]],
          ImageOrientationPatient: [...dsc.ImageOrientationPatient],
          SliceLocation: dsc.ImagePositionPatient[z][2],
          TemporalPositionIdentifier: options.noTemporalPositions ? undefined : t + 1,
          NumberOfTemporalPositions: options.noTemporalPositions ? undefined : timePoints,
          Rows: rows,
          Columns: columns,
          PixelSpacing: [dsc.spacingMm[1], dsc.spacingMm[0]],
          WindowCenter: 600,
          WindowWidth: 1200,
          PixelData: pixels(dsc.data, (t * slices + z) * frame, frame),
        };
        paths.push(write(directory, `dsc_t${String(t).padStart(3, '0')}_z${String(z).padStart(3, '0')}.dcm`, elements, []));
      }
    }
    written.dsc = { SeriesInstanceUID, paths };
    written.paths.push(...paths);
  }
  return written;
}
