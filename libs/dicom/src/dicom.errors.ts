// Typed errors of DICOM parsing. The edges map them once to DIMSE statuses and HTTP codes.

export abstract class DicomError extends Error {
  override name = this.constructor.name;
}

/** The bytes are not a DICOM Part 10 file or dataset (PS3.10 7.1). */
export class NotDicomError extends DicomError {}

/** The bytes end inside an element, or an element's length runs past the end. */
export class TruncatedDicomError extends DicomError {}

/** A required attribute is absent or empty. */
export class MissingAttributeError extends DicomError {
  constructor(
    readonly keyword: string,
    context = '',
  ) {
    super(`missing required attribute ${keyword}${context ? ` (${context})` : ''}`);
  }
}

/** An attribute's value breaks its VR or the IOD's rules. */
export class InvalidAttributeError extends DicomError {
  constructor(
    readonly keyword: string,
    reason: string,
  ) {
    super(`invalid ${keyword}: ${reason}`);
  }
}

/** A transfer syntax Nidus cannot read or decode. */
export class UnsupportedTransferSyntaxError extends DicomError {
  constructor(
    readonly transferSyntaxUID: string,
    what = 'transfer syntax',
  ) {
    super(`unsupported ${what} ${transferSyntaxUID}`);
  }
}
