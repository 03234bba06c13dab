// Typed errors of pixel decoding, LUTs and volume building. The edges map them once to statuses and codes.
import { DicomError, UnsupportedTransferSyntaxError } from '@nidus/dicom';

export { UnsupportedTransferSyntaxError };

/** The dataset has no Pixel Data (7FE0,0010), or asks for a frame it does not hold. */
export class MissingPixelDataError extends DicomError {}

/** The Image Pixel module (PS3.3 C.7.6.3) is inconsistent or outside what PS3.5 8 allows. */
export class InvalidPixelModuleError extends DicomError {}

/** Pixel Data is shorter than the Image Pixel module says (PS3.5 8.1.1), or a fragment is damaged. */
export class CorruptPixelDataError extends DicomError {}

/** A codec failed on a frame that claims a syntax it supports: the bitstream is damaged or not what the UID says. */
export class FrameDecodeError extends DicomError {
  constructor(
    readonly transferSyntaxUID: string,
    reason: string,
    /** what the codec threw, when it threw */
    cause?: unknown,
  ) {
    super(`cannot decode frame of transfer syntax ${transferSyntaxUID}: ${reason}`, cause === undefined ? undefined : { cause });
  }
}

/** A codec's module could not be loaded (its package is missing, or its WebAssembly failed to instantiate). */
export class CodecLoadError extends DicomError {
  constructor(
    readonly codec: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`cannot load the ${codec} codec: ${reason}`, cause === undefined ? undefined : { cause });
  }
}

/** A lookup table (Modality LUT, VOI LUT, palette) is malformed (PS3.3 C.11). */
export class InvalidLutError extends DicomError {}

/** Slices do not form one volume: orientation, size, spacing or position disagree. */
export class InconsistentVolumeError extends DicomError {}

/** A 4D series cannot be split into time points x slice positions (e.g. slice counts differ between time points). */
export class Inconsistent4DSeriesError extends DicomError {}

/** A codec's WebAssembly module was not loaded before a synchronous decode: await `prepareDecoders` first. */
export class DecoderNotLoadedError extends DicomError {
  constructor(readonly transferSyntaxUID: string) {
    super(`the codec for transfer syntax ${transferSyntaxUID} is not loaded yet: await prepareDecoders() before decoding synchronously`);
  }
}
