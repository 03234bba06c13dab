import { SopClass } from '../sop-class';
import { InvalidAttributeError } from '../dicom.errors';
import { DicomElements, writePart10 } from '../part10-writer';
import { CodedConcept, codeSequence, code, Codes, NIDUS_CODING_SCHEME } from './coded-concept';
import { derivationImageSequence } from './derivation-image';
import { nidusCodingSchemeIdentification, resultObjectElements, ResultObjectOptions, resultUid } from './result-object';
import { frameOfReferenceModule, patientStudyModules, SourceHeader, sourceString } from './source-header';
import { SourceSlices, sliceSpacing, validateSourceSlices } from './source-slices';

export const PARAMETRIC_MAP_STORAGE = SopClass.ParametricMapStorage;

/** The value written where a map has no value (outside the brain): FloatPixelPaddingValue (PS3.3 C.7.6.24). */
export const PARAMETRIC_MAP_PADDING = -1;

const TAG = { ImagePositionPatient: 0x00200032, PlanePositionSequence: 0x00209113 } as const;
/** PS3.16 CID 7180 / TID 1419: the concept name of the quantity a map holds. */
const QUANTITY = code('246205007', 'SCT', 'Quantity');

/** One quantity on the source grid: what it is, its unit, and how to show it. */
export interface ParametricMapInput {
  source: SourceHeader;
  geometry: SourceSlices;
  /** the quantity (PS3.16 CID 7180 Abstract Multi-dimensional Image Model Component Semantics, or a private code) */
  quantity: CodedConcept;
  /** UCUM unit of the values (Real World Value Mapping, PS3.3 C.7.6.16.2.11) */
  unit: CodedConcept;
  /** LUTLabel (SH), e.g. 'TMAX' */
  label: string;
  /** float values, index (z * Rows + y) * Columns + x */
  values: Float32Array;
  /** non-zero where the map has a value; elsewhere PARAMETRIC_MAP_PADDING is written */
  mask?: Uint8Array;
  /** the range to show the values in (Frame VOI LUT, PS3.3 C.7.6.16.2.10) */
  displayRange: readonly [number, number];
  ContentLabel?: string;
  ContentDescription?: string;
  InstanceNumber?: number;
  /** UIDs per map: 'tmax' gives pm-tmax-instance; the series is shared by all maps of one analysis */
  instanceKey: string;
  SeriesInstanceUID?: string;
}

/**
 * A DICOM Parametric Map (PS3.3 A.75, C.8.32) of one quantity: 32-bit float frames (Floating Point Image Pixel,
 * C.7.6.24), one per source slice, each placed by Plane Position/Orientation and Pixel Measures and tied to its
 * source image by Derivation Image; the Real World Value Mapping gives the unit (identity: the stored value is the
 * quantity), the Frame VOI LUT the range to show it in.
 */
export function buildParametricMap(input: ParametricMapInput, options: ResultObjectOptions) {
  const { geometry } = input;
  validateSourceSlices(geometry);
  const pixels = geometry.Rows * geometry.Columns;
  const sliceCount = geometry.slices.length;
  if (input.values.length !== sliceCount * pixels) {
    throw new InvalidAttributeError('FloatPixelData', `${input.values.length} values for the grid ${sliceCount}x${geometry.Rows}x${geometry.Columns}`);
  }
  const [low, high] = input.displayRange;
  if (!(high > low)) throw new InvalidAttributeError('WindowWidth', `display range ${low}..${high} is empty`);

  const data = new Float32Array(input.values.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = input.values[i];
    if ((input.mask && !input.mask[i]) || !Number.isFinite(v)) data[i] = PARAMETRIC_MAP_PADDING;
    else {
      data[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) min = max = 0;

  const SOPInstanceUID = resultUid(options, `pm-${input.instanceKey}-instance`);
  const SeriesInstanceUID = input.SeriesInstanceUID ?? resultUid(options, 'pm-series');
  const DimensionOrganizationUID = resultUid(options, `pm-${input.instanceKey}-dimension-organization`);
  const spacing = sliceSpacing(geometry);
  const frameType = ['DERIVED', 'PRIMARY', 'PERFUSION', 'NONE'];

  const perFrame: DicomElements[] = geometry.slices.map((slice, z) => ({
    FrameContentSequence: [{ DimensionIndexValues: [z + 1] }],
    PlanePositionSequence: [{ ImagePositionPatient: [...slice.ImagePositionPatient] }],
    DerivationImageSequence: derivationImageSequence(slice, code('113107', 'DCM', 'Perfusion analysis')),
  }));

  const elements: DicomElements = {
    ...patientStudyModules(input.source),
    ...frameOfReferenceModule(input.source),
    ...resultObjectElements(options, {
      SOPClassUID: PARAMETRIC_MAP_STORAGE,
      SOPInstanceUID,
      SeriesInstanceUID,
      defaultSeriesNumber: 9905,
      defaultSeriesDescription: 'NIDUS CTP MAPS',
    }),
    // Parametric Map Series (C.8.32.1): the modality of the images the map was derived from
    Modality: sourceString(input.source, 'Modality') ?? 'OT',
    // Parametric Map Image (C.8.32.2)
    ImageType: frameType,
    InstanceNumber: input.InstanceNumber ?? 1,
    ContentLabel: (input.ContentLabel ?? input.label)
      .toUpperCase()
      .replace(/[^A-Z0-9_ ]/g, '_')
      .slice(0, 16),
    ContentDescription: input.ContentDescription?.slice(0, 64) ?? null,
    ContentCreatorName: null,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: geometry.Rows,
    Columns: geometry.Columns,
    BitsAllocated: 32,
    PresentationLUTShape: 'IDENTITY',
    LossyImageCompression: '00',
    BurnedInAnnotation: 'NO',
    RecognizableVisualFeatures: 'NO',
    // Acquisition Context (C.7.6.14): nothing to say
    AcquisitionContextSequence: [],
    // Multi-frame Functional Groups (C.7.6.16)
    NumberOfFrames: sliceCount,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [
          { PixelSpacing: [...geometry.PixelSpacing], SliceThickness: geometry.SliceThickness ?? spacing ?? 1, SpacingBetweenSlices: spacing },
        ],
        PlaneOrientationSequence: [{ ImageOrientationPatient: [...geometry.ImageOrientationPatient] }],
        FrameAnatomySequence: [{ AnatomicRegionSequence: codeSequence(Codes.Brain), FrameLaterality: 'U' }],
        // Identity Pixel Value Transformation (C.7.6.16.2.9.b): the stored value is the quantity
        PixelValueTransformationSequence: [{ RescaleIntercept: 0, RescaleSlope: 1, RescaleType: 'US' }],
        FrameVOILUTSequence: [{ WindowCenter: (low + high) / 2, WindowWidth: high - low, VOILUTFunction: 'LINEAR' }],
        ParametricMapFrameTypeSequence: [{ FrameType: frameType }],
        RealWorldValueMappingSequence: [
          {
            DoubleFloatRealWorldValueFirstValueMapped: min,
            DoubleFloatRealWorldValueLastValueMapped: max,
            RealWorldValueIntercept: 0,
            RealWorldValueSlope: 1,
            LUTExplanation: `${input.quantity.CodeMeaning} (${input.unit.CodeValue})`.slice(0, 64),
            LUTLabel: input.label.slice(0, 16),
            MeasurementUnitsCodeSequence: codeSequence(input.unit),
            QuantityDefinitionSequence: [
              { ValueType: 'CODE', ConceptNameCodeSequence: codeSequence(QUANTITY), ConceptCodeSequence: codeSequence(input.quantity) },
            ],
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrame,
    // Multi-frame Dimension (C.7.6.17): frames follow the slices
    DimensionOrganizationSequence: [{ DimensionOrganizationUID }],
    DimensionOrganizationType: '3D',
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID,
        DimensionIndexPointer: TAG.ImagePositionPatient,
        FunctionalGroupPointer: TAG.PlanePositionSequence,
        DimensionDescriptionLabel: 'Image Position Patient',
      },
    ],
    // Common Instance Reference (C.12.2)
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: geometry.SeriesInstanceUID,
        ReferencedInstanceSequence: geometry.slices.map((slice) => ({
          ReferencedSOPClassUID: slice.SOPClassUID,
          ReferencedSOPInstanceUID: slice.SOPInstanceUID,
        })),
      },
    ],
    // Floating Point Image Pixel (C.7.6.24)
    FloatPixelPaddingValue: PARAMETRIC_MAP_PADDING,
    FloatPixelPaddingRangeLimit: PARAMETRIC_MAP_PADDING,
    FloatPixelData: data,
  };
  const concepts = [input.quantity, input.unit];
  if (concepts.some((c) => c.CodingSchemeDesignator === NIDUS_CODING_SCHEME.CodingSchemeDesignator))
    elements.CodingSchemeIdentificationSequence = nidusCodingSchemeIdentification();
  return { SOPClassUID: PARAMETRIC_MAP_STORAGE, SOPInstanceUID, SeriesInstanceUID, bytes: writePart10(elements) };
}
