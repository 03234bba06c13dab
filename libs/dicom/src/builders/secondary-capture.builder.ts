import { SopClass } from '../sop-class';
import { InvalidAttributeError } from '../dicom.errors';
import { DicomElements, writePart10 } from '../part10-writer';
import { resultObjectElements, ResultObjectOptions, resultUid } from './result-object';
import type { BuiltDicomObject } from './segmentation.builder';
import { patientStudyModules, SourceHeader, sourceString } from './source-header';

export const SECONDARY_CAPTURE_IMAGE_STORAGE = SopClass.SecondaryCaptureImageStorage;
export const MULTIFRAME_TRUE_COLOR_SC_STORAGE = '1.2.840.10008.5.1.4.1.1.7.4';

export interface SecondaryCaptureInput {
  /** a source image: Patient and Study modules are copied from it */
  source: SourceHeader;
  Rows: number;
  Columns: number;
  /** RGB, 8 bits per sample, colour-by-pixel (PlanarConfiguration 0): Rows * Columns * 3 bytes per frame */
  frames: readonly Uint8Array[];
  /** one label per frame (FrameLabelVector, multi-frame only), e.g. "slice 3, z = 42.5 mm" */
  frameLabels?: readonly string[];
  /** InstanceNumber within the summary series (default 1) */
  InstanceNumber?: number;
  /** written as ImageComments (LT), e.g. the numbers shown on the image */
  ImageComments?: string;
  /** Series UID shared by all images of one summary series; default derived from the options */
  SeriesInstanceUID?: string;
  /** distinguishes seed-derived SOP Instance UIDs of images in one series; default InstanceNumber */
  instanceKey?: string;
  /** default: the source's, else HEAD */
  BodyPartExamined?: string;
  /** the image shows text that identifies the patient (BurnedInAnnotation YES); default false */
  identifiesPatient?: boolean;
}

/**
 * A summary image for any PACS viewer: Secondary Capture Image (PS3.3 A.8.1) for one frame, Multi-frame True Color
 * SC (A.8.5) for several; RGB 8-bit (PS3.3 C.8.6.3 / C.7.6.3), uncompressed.
 */
export function buildSecondaryCapture(input: SecondaryCaptureInput, options: ResultObjectOptions): BuiltDicomObject {
  const { Rows, Columns, frames } = input;
  if (!(Rows > 0 && Columns > 0) || Rows > 65535 || Columns > 65535) throw new InvalidAttributeError('Rows', `${Rows}x${Columns} is not a valid image size`);
  if (frames.length === 0) throw new InvalidAttributeError('PixelData', 'no frame');
  const frameBytes = Rows * Columns * 3;
  frames.forEach((f, i) => {
    if (f.length !== frameBytes) throw new InvalidAttributeError('PixelData', `frame ${i + 1} has ${f.length} bytes, expected ${Rows}x${Columns}x3`);
  });
  const multiFrame = frames.length > 1;
  const SOPClassUID = multiFrame ? MULTIFRAME_TRUE_COLOR_SC_STORAGE : SECONDARY_CAPTURE_IMAGE_STORAGE;
  const InstanceNumber = input.InstanceNumber ?? 1;
  const SOPInstanceUID = resultUid(options, `sc-instance-${input.instanceKey ?? InstanceNumber}`);
  const SeriesInstanceUID = input.SeriesInstanceUID ?? resultUid(options, 'sc-series');
  const pixels = new Uint8Array(frameBytes * frames.length);
  frames.forEach((f, i) => pixels.set(f, i * frameBytes));
  const burnedIn = input.identifiesPatient ? 'YES' : 'NO';

  const elements: DicomElements = {
    ...patientStudyModules(input.source),
    ...resultObjectElements(options, {
      SOPClassUID,
      SOPInstanceUID,
      SeriesInstanceUID,
      defaultSeriesNumber: 9903,
      defaultSeriesDescription: 'NIDUS CTP SUMMARY',
    }),
    // General Series (C.7.3.1): "OT" (other), not the source modality, so CT hanging protocols leave it alone
    Modality: 'OT',
    // General Series (C.7.3.1): Laterality is 2C on a paired body part; naming the (unpaired) part settles it
    BodyPartExamined: input.BodyPartExamined ?? sourceString(input.source, 'BodyPartExamined') ?? 'HEAD',
    // SC Equipment (C.8.6.1): a workstation made it
    ConversionType: 'WSD',
    SecondaryCaptureDeviceManufacturer: 'Nidus',
    SecondaryCaptureDeviceManufacturerModelName: options.manufacturerModelName ?? 'Nidus',
    SecondaryCaptureDeviceSoftwareVersions: options.softwareVersion,
    // General Image (C.7.6.1)
    InstanceNumber,
    PatientOrientation: null,
    ImageType: ['DERIVED', 'SECONDARY'],
    ImageComments: input.ImageComments,
    BurnedInAnnotation: burnedIn,
    RecognizableVisualFeatures: 'NO',
    LossyImageCompression: '00',
    // Image Pixel (C.7.6.3)
    SamplesPerPixel: 3,
    PhotometricInterpretation: 'RGB',
    PlanarConfiguration: 0,
    Rows,
    Columns,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PixelData: pixels,
  };
  if (multiFrame) {
    // Multi-frame (C.7.6.6) and SC Multi-frame Image / Vector (C.8.6.3, C.8.6.4): frames are pages
    elements.NumberOfFrames = frames.length;
    elements.FrameIncrementPointer = 0x00182001; // PageNumberVector
    elements.PageNumberVector = frames.map((_, i) => i + 1);
    if (input.frameLabels) {
      if (input.frameLabels.length !== frames.length) throw new InvalidAttributeError('FrameLabelVector', 'one label per frame');
      // a vector is present only when the Frame Increment Pointer names it (C.8.6.4)
      elements.FrameIncrementPointer = [0x00182001, 0x00182002]; // PageNumberVector, FrameLabelVector
      elements.FrameLabelVector = input.frameLabels.map((l) => l.replace(/\\/g, '/').slice(0, 64));
    }
  }
  return { SOPClassUID, SOPInstanceUID, SeriesInstanceUID, bytes: writePart10(elements) };
}
