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

/** Text that the data set's Specific Character Set cannot hold (PS3.5 6.1.2): write its bytes as they came, or ISO_IR 192. */
export class UnencodableTextError extends DicomError {
  constructor(
    readonly keyword: string,
    readonly text: string,
    characterSet: string,
  ) {
    super(`${keyword || 'a text value'} '${text}' cannot be written in ${characterSet || 'the default repertoire'}`);
  }
}

/** A UID or UID root that breaks PS3.5 9.1 (digits and dots, at most 64 characters). */
export class InvalidUidError extends DicomError {}

/** A keyword that is not in the data dictionary (PS3.6): a programming error, named so it is not mistaken for bad input. */
export class UnknownKeywordError extends DicomError {
  constructor(readonly keyword: string) {
    super(`unknown DICOM keyword ${keyword}`);
  }
}
