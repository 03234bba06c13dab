import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateUid, lookupKeyword, SopClass, TransferSyntaxUIDs, writePart10, type DicomElements } from '@nidus/dicom';
import { formatTime } from '../phantom/phantom-dicom-writer';
import { common, pixels, START_SECONDS, type MrStudyIdentity, type WrittenMrStudy } from './mr-dicom-writer';
import type { MrStrokePhantom } from './mr-stroke-phantom';

const tag = (keyword: string) => lookupKeyword(keyword).tag;

/** One frame of an enhanced image: its pixels and its Per-frame Functional Groups item. */
interface Frame {
  pixels: Uint16Array;
  groups: DicomElements;
}

interface Acquisition {
  SeriesInstanceUID: string;
  SeriesNumber: number;
  SeriesDescription: string;
  ImageType: string[];
  /** seconds of the day */
  start: number;
  EchoTime: number;
  RepetitionTime: number;
  FlipAngle: number;
  PulseSequenceName: string;
  EchoPulseSequence: 'SPIN' | 'GRADIENT';
  spacingMm: [number, number, number];
  ImageOrientationPatient: readonly number[];
  rows: number;
  columns: number;
  window: [number, number];
  FrameOfReferenceUID: string;
  /** DimensionIndexPointer / FunctionalGroupPointer of each dimension, outermost first (PS3.3 C.7.6.17) */
  dimensions: { index: string; group: string; label: string }[];
}

/** dicom3tools' way of writing a DT: YYYYMMDDHHMMSS.FFFFFF */
const dateTime = (date: string, secondsOfDay: number) => `${date}${formatTime(secondsOfDay)}`;

/**
 * One Enhanced MR Image (PS3.3 A.36.2): the Enhanced MR Image and MR Pulse Sequence modules, Shared Functional Groups
 * for what every frame shares (Pixel Measures, Plane Orientation, MR Echo, MR Timing, the MR modifiers, coils, Frame
 * Anatomy, VOI) and one Per-frame Functional Groups item per frame (Frame Content, Plane Position, and what the frame
 * adds, e.g. MR Diffusion).
 */
function enhancedMrImage(base: DicomElements, a: Acquisition, frames: Frame[]): DicomElements {
  const StudyDate = base.StudyDate as string;
  const DimensionOrganizationUID = generateUid();
  const frameData = new Uint16Array(frames.length * a.rows * a.columns);
  frames.forEach((f, k) => frameData.set(f.pixels, k * a.rows * a.columns));
  const original = a.ImageType[0] === 'ORIGINAL';
  return {
    ...base,
    MRAcquisitionType: undefined,
    // classic MR Image attributes that the Enhanced MR Image IOD has not
    AcquisitionDate: undefined,
    ImagedNucleus: undefined,
    SOPClassUID: SopClass.EnhancedMRImageStorage,
    SOPInstanceUID: generateUid(),
    ImageType: a.ImageType,
    SeriesTime: formatTime(a.start),
    ContentTime: formatTime(a.start),
    AcquisitionDateTime: dateTime(StudyDate, a.start),
    AcquisitionDuration: 60,
    SeriesDescription: a.SeriesDescription,
    SeriesInstanceUID: a.SeriesInstanceUID,
    SeriesNumber: a.SeriesNumber,
    InstanceNumber: 1,
    AcquisitionNumber: 1,
    FrameOfReferenceUID: a.FrameOfReferenceUID,
    DeviceSerialNumber: 'PHANTOM-0001',
    SoftwareVersions: 'nidus-phantom 1',
    ContentQualification: 'RESEARCH',
    ResonantNucleus: '1H',
    KSpaceFiltering: 'NONE',
    MagneticFieldStrength: 1.5,
    BurnedInAnnotation: 'NO',
    LossyImageCompression: '00',
    PresentationLUTShape: 'IDENTITY',
    ApplicableSafetyStandardAgency: 'IEC',
    // the MR Image Description macro of the image (C.8.13.3), and MR Pulse Sequence (C.8.13.4)
    PixelPresentation: 'MONOCHROME',
    VolumetricProperties: 'VOLUME',
    VolumeBasedCalculationTechnique: 'NONE',
    ComplexImageComponent: 'MAGNITUDE',
    AcquisitionContrast: a.ImageType[2] === 'PERFUSION' ? 'T2_STAR' : 'DIFFUSION',
    ...(original
      ? {
          PulseSequenceName: a.PulseSequenceName,
          MRAcquisitionType: '2D',
          EchoPulseSequence: a.EchoPulseSequence,
          MultipleSpinEcho: a.EchoPulseSequence === 'SPIN' ? 'NO' : undefined,
          MultiPlanarExcitation: 'NO',
          PhaseContrast: 'NO',
          TimeOfFlightContrast: 'NO',
          SteadyStatePulseSequence: 'NONE',
          EchoPlanarPulseSequence: 'YES',
          SaturationRecovery: 'NO',
          SpectrallySelectedSuppression: 'FAT',
          OversamplingPhase: 'NONE',
          GeometryOfKSpaceTraversal: 'RECTILINEAR',
          RectilinearPhaseEncodeReordering: 'LINEAR',
          SegmentedKSpaceTraversal: 'SINGLE',
          NumberOfKSpaceTrajectories: 1,
        }
      : {}),
    NumberOfFrames: frames.length,
    Rows: a.rows,
    Columns: a.columns,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: [a.spacingMm[1], a.spacingMm[0]], SliceThickness: a.spacingMm[2] }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: [...a.ImageOrientationPatient] }],
        FrameAnatomySequence: [
          { AnatomicRegionSequence: [{ CodeValue: '12738006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Brain' }], FrameLaterality: 'B' },
        ],
        FrameVOILUTSequence: [{ WindowCenter: a.window[0], WindowWidth: a.window[1] }],
        PixelValueTransformationSequence: [{ RescaleIntercept: 0, RescaleSlope: 1, RescaleType: 'US' }],
        MREchoSequence: [{ EffectiveEchoTime: a.EchoTime }],
        MRTimingAndRelatedParametersSequence: [
          {
            RepetitionTime: a.RepetitionTime,
            FlipAngle: a.FlipAngle,
            EchoTrainLength: 1,
            RFEchoTrainLength: a.EchoPulseSequence === 'SPIN' ? 1 : 0,
            GradientEchoTrainLength: a.EchoPulseSequence === 'GRADIENT' ? 1 : 0,
            GradientOutputType: 'DB_DT',
            GradientOutput: 10,
            SpecificAbsorptionRateSequence: [{ SpecificAbsorptionRateDefinition: 'IEC_WHOLE_BODY', SpecificAbsorptionRateValue: 0.5 }],
            OperatingModeSequence: [{ OperatingModeType: 'STATIC FIELD', OperatingMode: 'IEC_NORMAL' }],
          },
        ],
        MRFOVGeometrySequence: [
          {
            InPlanePhaseEncodingDirection: 'COLUMN',
            MRAcquisitionFrequencyEncodingSteps: a.columns,
            MRAcquisitionPhaseEncodingStepsInPlane: a.rows,
            PercentSampling: 100,
            PercentPhaseFieldOfView: 100,
          },
        ],
        MRModifierSequence: [
          {
            InversionRecovery: 'NO',
            FlowCompensation: 'NONE',
            T2Preparation: 'NO',
            SpectrallySelectedExcitation: 'NONE',
            SpatialPresaturation: 'NONE',
            PartialFourier: 'NO',
            ParallelAcquisition: 'NO',
          },
        ],
        MRImagingModifierSequence: [
          { MagnetizationTransfer: 'NONE', BloodSignalNulling: 'NO', Tagging: 'NONE', TransmitterFrequency: 63.87, PixelBandwidth: 1500 },
        ],
        MRReceiveCoilSequence: [
          { ReceiveCoilName: 'HEAD', ReceiveCoilManufacturerName: 'Nidus phantom', ReceiveCoilType: 'VOLUME', QuadratureReceiveCoil: 'YES' },
        ],
        MRTransmitCoilSequence: [{ TransmitCoilName: 'BODY', TransmitCoilManufacturerName: 'Nidus phantom', TransmitCoilType: 'BODY' }],
        MRAveragesSequence: [{ NumberOfAverages: 1 }],
        MRImageFrameTypeSequence: [
          {
            FrameType: a.ImageType,
            PixelPresentation: 'MONOCHROME',
            VolumetricProperties: 'VOLUME',
            VolumeBasedCalculationTechnique: 'NONE',
            ComplexImageComponent: 'MAGNITUDE',
            AcquisitionContrast: a.ImageType[2] === 'PERFUSION' ? 'T2_STAR' : 'DIFFUSION',
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map((f) => f.groups),
    DimensionOrganizationSequence: [{ DimensionOrganizationUID }],
    DimensionIndexSequence: a.dimensions.map((d) => ({
      DimensionOrganizationUID,
      DimensionIndexPointer: tag(d.index),
      FunctionalGroupPointer: tag(d.group),
      DimensionDescriptionLabel: d.label,
    })),
    // Acquisition Context (C.7.6.14): nothing recorded
    AcquisitionContextSequence: [],
    WindowCenter: undefined,
    WindowWidth: undefined,
    PixelData: frameData,
  };
}

function write(directory: string, name: string, elements: DicomElements): string {
  const path = join(directory, name);
  writeFileSync(path, writePart10(elements, { transferSyntaxUID: TransferSyntaxUIDs.ExplicitVRLittleEndian }));
  return path;
}

/** The frame's position, its time and its place in the dimensions. */
function frameContent(date: string, seconds: number, indices: number[], z: number, position: readonly number[]): DicomElements {
  return {
    FrameContentSequence: [
      {
        FrameAcquisitionNumber: 1,
        FrameReferenceDateTime: dateTime(date, seconds),
        FrameAcquisitionDateTime: dateTime(date, seconds),
        FrameAcquisitionDuration: 100,
        StackID: '1',
        InStackPositionNumber: z + 1,
        DimensionIndexValues: indices,
      },
    ],
    PlanePositionSequence: [{ ImagePositionPatient: [...position] }],
  };
}

/**
 * Writes the phantom study as an Enhanced MR scanner sends it: the diffusion acquisition as one Enhanced MR Image
 * (b = 0 and b = 1000 frames at each slice, DiffusionBValue in each frame's MR Diffusion macro, PS3.3 C.8.13.5.9),
 * and the DSC acquisition as another (time points x slices, TemporalPositionIndex and FrameAcquisitionDateTime in
 * each frame's Frame Content, EffectiveEchoTime in MR Echo, C.7.6.16.2.2 and C.8.13.5.2). Same values as writeMrStudy.
 */
export function writeEnhancedMrStudy(phantom: MrStrokePhantom, directory: string, options: MrStudyIdentity = {}): WrittenMrStudy {
  mkdirSync(directory, { recursive: true });
  const StudyInstanceUID = options.StudyInstanceUID ?? generateUid();
  const FrameOfReferenceUID = options.FrameOfReferenceUID ?? generateUid();
  const base = common({ ...options, StudyInstanceUID, FrameOfReferenceUID });
  const date = base.StudyDate as string;
  const written: WrittenMrStudy = { StudyInstanceUID, FrameOfReferenceUID, paths: [] };

  const dwi = phantom.dwi;
  if (dwi) {
    const SeriesInstanceUID = generateUid();
    const frame = dwi.columns * dwi.rows;
    const frames: Frame[] = [];
    [0, dwi.bValue].forEach((b, bIndex) => {
      const image = b === 0 ? dwi.b0 : dwi.b1000;
      for (let z = 0; z < dwi.slices; z++) {
        frames.push({
          pixels: pixels(image, z * frame, frame),
          groups: {
            ...frameContent(date, START_SECONDS + 120 + bIndex * 30 + z * 0.1, [bIndex + 1, z + 1], z, dwi.ImagePositionPatient[z]),
            MRDiffusionSequence: [{ DiffusionBValue: b, DiffusionDirectionality: b === 0 ? 'NONE' : 'ISOTROPIC' }],
          },
        });
      }
    });
    const elements = enhancedMrImage(
      base,
      {
        SeriesInstanceUID,
        SeriesNumber: 5,
        SeriesDescription: 'ep2d_diff_3scan_trace',
        ImageType: ['ORIGINAL', 'PRIMARY', 'DIFFUSION', 'NONE'],
        start: START_SECONDS + 120,
        EchoTime: 89,
        RepetitionTime: 5200,
        FlipAngle: 90,
        PulseSequenceName: 'ep2d_diff',
        EchoPulseSequence: 'SPIN',
        spacingMm: dwi.spacingMm,
        ImageOrientationPatient: dwi.ImageOrientationPatient,
        rows: dwi.rows,
        columns: dwi.columns,
        window: [700, 1400],
        FrameOfReferenceUID: options.diffusionFrameOfReferenceUID ?? FrameOfReferenceUID,
        dimensions: [
          { index: 'DiffusionBValue', group: 'MRDiffusionSequence', label: 'b-value' },
          { index: 'InStackPositionNumber', group: 'FrameContentSequence', label: 'Slice' },
        ],
      },
      frames,
    );
    written.diffusion = [{ SeriesInstanceUID, paths: [write(directory, 'dwi_enhanced.dcm', elements)] }];
    written.paths.push(...written.diffusion[0].paths);
  }

  const dsc = phantom.dsc;
  if (dsc) {
    const SeriesInstanceUID = generateUid();
    const { columns, rows, slices, timePoints } = dsc;
    const frame = columns * rows;
    const frames: Frame[] = [];
    for (let t = 0; t < timePoints; t++) {
      for (let z = 0; z < slices; z++) {
        const groups = frameContent(date, START_SECONDS + 300 + dsc.timesSeconds[t], [t + 1, z + 1], z, dsc.ImagePositionPatient[z]);
        (groups.FrameContentSequence as DicomElements[])[0].TemporalPositionIndex = t + 1;
        frames.push({ pixels: pixels(dsc.data, (t * slices + z) * frame, frame), groups });
      }
    }
    const elements = enhancedMrImage(
      base,
      {
        SeriesInstanceUID,
        SeriesNumber: 9,
        SeriesDescription: 'ep2d_perf',
        ImageType: ['ORIGINAL', 'PRIMARY', 'PERFUSION', 'NONE'],
        start: START_SECONDS + 300,
        EchoTime: Math.round(dsc.EchoTime * 1e5) / 100,
        RepetitionTime: dsc.RepetitionTime * 1000,
        FlipAngle: 90,
        PulseSequenceName: 'epfid2d1_96',
        EchoPulseSequence: 'GRADIENT',
        spacingMm: dsc.spacingMm,
        ImageOrientationPatient: dsc.ImageOrientationPatient,
        rows,
        columns,
        window: [600, 1200],
        FrameOfReferenceUID,
        dimensions: [
          { index: 'TemporalPositionIndex', group: 'FrameContentSequence', label: 'Time point' },
          { index: 'InStackPositionNumber', group: 'FrameContentSequence', label: 'Slice' },
        ],
      },
      frames,
    );
    written.dsc = { SeriesInstanceUID, paths: [write(directory, 'dsc_enhanced.dcm', elements)] };
    written.paths.push(...written.dsc.paths);
  }
  return written;
}
