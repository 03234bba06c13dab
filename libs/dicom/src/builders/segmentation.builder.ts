import { SopClass } from '../sop-class';
import { InvalidAttributeError } from '../dicom.errors';
import { DicomElements, writePart10 } from '../part10-writer';
import { packBitFrames } from './bit-packing';
import { rgbToDicomLab } from './cielab';
import { CodedConcept, codeSequence, Codes, NIDUS_CODING_SCHEME } from './coded-concept';
import { derivationImageSequence } from './derivation-image';
import { nidusCodingSchemeIdentification, resultObjectElements, ResultObjectOptions, resultUid } from './result-object';
import { frameOfReferenceModule, patientStudyModules, SourceHeader } from './source-header';
import { SourceSlices, sliceSpacing, validateSourceSlices } from './source-slices';

export const SEGMENTATION_STORAGE = SopClass.SegmentationStorage;

/** Tags for the Multi-frame Dimension module (PS3.3 C.7.6.17): attribute and the functional group holding it. */
const TAG = {
  ReferencedSegmentNumber: 0x0062000b,
  SegmentIdentificationSequence: 0x0062000a,
  ImagePositionPatient: 0x00200032,
  PlanePositionSequence: 0x00209113,
} as const;

/** Algorithm Identification (PS3.3 Table 10-19) of what produced the segments. */
export interface SegmentationAlgorithm {
  name: string;
  version: string;
  /** PS3.16 CID 7162; e.g. (123110, DCM, "Artificial Intelligence") for a model */
  family: CodedConcept;
  source?: string;
}

/** One binary segment (PS3.3 C.8.20.2 Segment Description). */
export interface SegmentDefinition {
  SegmentLabel: string;
  SegmentDescription?: string;
  /** PS3.16 CID 7150 */
  category: CodedConcept;
  /** PS3.16 CID 7151 and friends */
  type: CodedConcept;
  anatomicRegion?: CodedConcept;
  /** display colour in sRGB, written as RecommendedDisplayCIELabValue */
  displayColorRgb: readonly [number, number, number];
  /** on the source grid, index (z * Rows + y) * Columns + x; non-zero is inside */
  mask: Uint8Array;
  TrackingID?: string;
  TrackingUID?: string;
}

export interface SegmentationInput {
  /** a source image: Patient, Study and Frame of Reference modules are copied from it */
  source: SourceHeader;
  geometry: SourceSlices;
  segments: readonly SegmentDefinition[];
  algorithm: SegmentationAlgorithm;
  /** ContentLabel (CS, 16 characters); default NIDUS_SEG */
  ContentLabel?: string;
  ContentDescription?: string;
  /**
   * leave out frames where a segment has no pixel (default true). A segment with no pixel at all keeps one empty
   * frame on the first slice, so that every segment of the SegmentSequence has a frame.
   */
  omitEmptyFrames?: boolean;
}

/** A written result object: Part 10 bytes plus the identifiers the caller records and refers to. */
export interface BuiltDicomObject {
  SOPClassUID: string;
  SOPInstanceUID: string;
  SeriesInstanceUID: string;
  bytes: Buffer;
}

export interface BuiltSegmentation extends BuiltDicomObject {
  /** SegmentNumber of each input segment, in input order (1-based, PS3.3 C.8.20.2.4) */
  segmentNumbers: number[];
  /** for each frame: [segment number, source slice index] */
  frames: [number, number][];
}

function usesPrivateScheme(input: SegmentationInput): boolean {
  const concepts = [input.algorithm.family, ...input.segments.flatMap((s) => [s.category, s.type, s.anatomicRegion])];
  return concepts.some((c) => c?.CodingSchemeDesignator === NIDUS_CODING_SCHEME.CodingSchemeDesignator);
}

function hasAny(mask: Uint8Array, start: number, length: number): boolean {
  for (let i = start; i < start + length; i++) if (mask[i]) return true;
  return false;
}

/**
 * A DICOM Segmentation (PS3.3 A.51, C.8.20), BINARY, one frame per (segment, slice), each frame placed on its source
 * slice by Plane Position/Orientation and Pixel Measures, and tied to it by the Derivation Image functional group.
 */
export function buildSegmentation(input: SegmentationInput, options: ResultObjectOptions): BuiltSegmentation {
  const { geometry, segments } = input;
  validateSourceSlices(geometry);
  if (segments.length === 0) throw new InvalidAttributeError('SegmentSequence', 'needs at least one segment');
  const pixels = geometry.Rows * geometry.Columns;
  const sliceCount = geometry.slices.length;
  segments.forEach((s, i) => {
    if (s.mask.length !== sliceCount * pixels) {
      throw new InvalidAttributeError(
        'PixelData',
        `segment ${i + 1} mask has ${s.mask.length} voxels, the grid ${sliceCount}x${geometry.Rows}x${geometry.Columns}`,
      );
    }
  });

  const omitEmpty = input.omitEmptyFrames ?? true;
  const frames: [number, number][] = [];
  const frameData: Uint8Array[] = [];
  segments.forEach((segment, s) => {
    const number = s + 1;
    const start = frames.length;
    for (let z = 0; z < sliceCount; z++) {
      if (omitEmpty && !hasAny(segment.mask, z * pixels, pixels)) continue;
      frames.push([number, z]);
      frameData.push(segment.mask.subarray(z * pixels, (z + 1) * pixels));
    }
    if (frames.length === start) {
      frames.push([number, 0]);
      frameData.push(segment.mask.subarray(0, pixels));
    }
  });

  const SOPInstanceUID = resultUid(options, 'seg-instance');
  const SeriesInstanceUID = resultUid(options, 'seg-series');
  const DimensionOrganizationUID = resultUid(options, 'seg-dimension-organization');
  const spacing = sliceSpacing(geometry);
  const sliceThickness = geometry.SliceThickness ?? spacing ?? 1;

  const segmentSequence: DicomElements[] = segments.map((segment, s) => ({
    SegmentNumber: s + 1,
    SegmentLabel: segment.SegmentLabel.slice(0, 64),
    SegmentDescription: segment.SegmentDescription?.slice(0, 64),
    SegmentAlgorithmType: 'AUTOMATIC',
    SegmentAlgorithmName: input.algorithm.name.slice(0, 64),
    SegmentationAlgorithmIdentificationSequence: [
      {
        AlgorithmFamilyCodeSequence: codeSequence(input.algorithm.family),
        AlgorithmName: input.algorithm.name.slice(0, 64),
        AlgorithmVersion: input.algorithm.version.slice(0, 64),
        AlgorithmSource: input.algorithm.source?.slice(0, 64),
      },
    ],
    SegmentedPropertyCategoryCodeSequence: codeSequence(segment.category),
    SegmentedPropertyTypeCodeSequence: codeSequence(segment.type),
    AnatomicRegionSequence: segment.anatomicRegion ? codeSequence(segment.anatomicRegion) : undefined,
    RecommendedDisplayCIELabValue: rgbToDicomLab(segment.displayColorRgb),
    TrackingID: segment.TrackingID ?? (segment.TrackingUID ? segment.SegmentLabel.slice(0, 64) : undefined),
    TrackingUID: segment.TrackingID || segment.TrackingUID ? (segment.TrackingUID ?? resultUid(options, `seg-tracking-${s + 1}`)) : undefined,
  }));

  const perFrame: DicomElements[] = frames.map(([segmentNumber, z]) => {
    const slice = geometry.slices[z];
    return {
      // PS3.3 C.7.6.16.2.2: index values follow DimensionIndexSequence (segment, then position)
      FrameContentSequence: [{ DimensionIndexValues: [segmentNumber, z + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: [...slice.ImagePositionPatient] }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: segmentNumber }],
      // PS3.3 C.7.6.16.2.6 Derivation Image: the source slice this frame segments
      DerivationImageSequence: derivationImageSequence(slice, Codes.Segmentation),
    };
  });

  const elements: DicomElements = {
    ...patientStudyModules(input.source),
    ...frameOfReferenceModule(input.source),
    ...resultObjectElements(options, {
      SOPClassUID: SEGMENTATION_STORAGE,
      SOPInstanceUID,
      SeriesInstanceUID,
      defaultSeriesNumber: 9901,
      defaultSeriesDescription: 'NIDUS CTP SEG',
    }),
    // Segmentation Series (C.8.20.1)
    Modality: 'SEG',
    // General Image / Segmentation Image (C.8.20.2)
    ImageType: ['DERIVED', 'PRIMARY'],
    InstanceNumber: 1,
    ContentLabel: (input.ContentLabel ?? 'NIDUS_SEG')
      .toUpperCase()
      .replace(/[^A-Z0-9_ ]/g, '_')
      .slice(0, 16),
    ContentDescription: input.ContentDescription?.slice(0, 64) ?? null,
    ContentCreatorName: null,
    SegmentationType: 'BINARY',
    SegmentSequence: segmentSequence,
    // Image Pixel (C.7.6.3) for BINARY: PS3.3 C.8.20.2.1
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: geometry.Rows,
    Columns: geometry.Columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    // Multi-frame Functional Groups (C.7.6.16)
    NumberOfFrames: frames.length,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [
          {
            PixelSpacing: [...geometry.PixelSpacing],
            SliceThickness: sliceThickness,
            SpacingBetweenSlices: spacing,
          },
        ],
        PlaneOrientationSequence: [{ ImageOrientationPatient: [...geometry.ImageOrientationPatient] }],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrame,
    // Multi-frame Dimension (C.7.6.17)
    DimensionOrganizationSequence: [{ DimensionOrganizationUID }],
    DimensionOrganizationType: '3D',
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID,
        DimensionIndexPointer: TAG.ReferencedSegmentNumber,
        FunctionalGroupPointer: TAG.SegmentIdentificationSequence,
        DimensionDescriptionLabel: 'Segment Number',
      },
      {
        DimensionOrganizationUID,
        DimensionIndexPointer: TAG.ImagePositionPatient,
        FunctionalGroupPointer: TAG.PlanePositionSequence,
        DimensionDescriptionLabel: 'Image Position Patient',
      },
    ],
    // Common Instance Reference (C.12.2): every source slice, whether or not a frame refers to it
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: geometry.SeriesInstanceUID,
        ReferencedInstanceSequence: geometry.slices.map((slice) => ({
          ReferencedSOPClassUID: slice.SOPClassUID,
          ReferencedSOPInstanceUID: slice.SOPInstanceUID,
        })),
      },
    ],
    PixelData: packBitFrames(frameData, pixels),
  };
  if (usesPrivateScheme(input)) elements.CodingSchemeIdentificationSequence = nidusCodingSchemeIdentification();

  return {
    SOPClassUID: SEGMENTATION_STORAGE,
    SOPInstanceUID,
    SeriesInstanceUID,
    bytes: writePart10(elements),
    segmentNumbers: segments.map((_, s) => s + 1),
    frames,
  };
}
