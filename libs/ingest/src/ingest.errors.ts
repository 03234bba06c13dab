// Typed errors of ingest; ingest-status.ts maps them (and the dicom and storage errors) to DIMSE
// statuses, STOW-RS failure reasons and HTTP codes, once.

export abstract class IngestError extends Error {
  override name = this.constructor.name;
}

/** The data set names another SOP instance or class than its C-STORE-RQ (PS3.4 B.2.3: 0xA900). */
export class DataSetMismatchError extends IngestError {
  constructor(
    readonly keyword: string,
    readonly expected: string,
    readonly actual: string | undefined,
  ) {
    super(`data set ${keyword} ${actual ?? '(absent)'} does not match the request's ${expected}`);
  }
}

/** STOW-RS to /studies/{StudyInstanceUID} with an instance of another study (PS3.18 10.5.1). */
export class StudyMismatchError extends IngestError {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`instance belongs to study ${actual}, not ${expected}`);
  }
}

/** A STOW-RS part that is not a DICOM Part 10 file (no preamble / File Meta, PS3.10 7.1). */
export class NotPart10Error extends IngestError {}

/** A transfer syntax Nidus does not store because it cannot decode it. */
export class TransferSyntaxNotAcceptedError extends IngestError {
  constructor(readonly transferSyntaxUID: string) {
    super(`transfer syntax ${transferSyntaxUID} is not accepted`);
  }
}

/** A UID that is not a valid UI value (PS3.5 9.1: digits and dots, no leading zeros, at most 64 characters). */
export class UnusableUidError extends IngestError {
  constructor(
    readonly keyword: string,
    readonly value: string,
  ) {
    super(`${keyword} '${value.slice(0, 80)}' is not a valid UID (PS3.5 9.1)`);
  }
}

/** Pixel Data declares more bytes than arrived: the data set was cut off (PS3.5 7.1; answered 0xC000). */
export class PixelDataTruncatedError extends IngestError {}

/** Pixel Data holds fewer bytes than the image it describes needs (PS3.3 C.7.6.3; answered 0xA900). */
export class PixelDataTooShortError extends IngestError {}
