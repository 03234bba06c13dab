import { InvalidAttributeError, MissingAttributeError, NotDicomError, TruncatedDicomError, UnsupportedTransferSyntaxError } from '@nidus/dicom';
import { DimseStatus, StoreStatus } from '@nidus/dicom-net';
import { OutOfResourcesError } from '@nidus/persistence';
import {
  DataSetMismatchError,
  NotPart10Error,
  PixelDataTooShortError,
  PixelDataTruncatedError,
  StudyMismatchError,
  TransferSyntaxNotAcceptedError,
  UnusableUidError,
} from './ingest.errors';

/**
 * What one failed instance answers, on each protocol: the C-STORE-RSP status (PS3.4 B.2.3), the STOW-RS
 * FailureReason (PS3.18 10.5.3, the same numbers), and whether the failure is the server's (retry later)
 * or the instance's (do not resend as is).
 */
export interface IngestFailure {
  status: number;
  reason: string;
  /** true: our side (disk, database); the sender may retry */
  transient: boolean;
}

/** The one mapping from errors to statuses. */
export function ingestFailureOf(error: unknown): IngestFailure {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof OutOfResourcesError) return { status: DimseStatus.OutOfResources, reason, transient: true };
  if (
    error instanceof MissingAttributeError ||
    error instanceof InvalidAttributeError ||
    error instanceof DataSetMismatchError ||
    error instanceof StudyMismatchError ||
    error instanceof UnusableUidError ||
    error instanceof PixelDataTooShortError
  ) {
    return { status: DimseStatus.DataSetDoesNotMatchSOPClass, reason, transient: false };
  }
  if (error instanceof TransferSyntaxNotAcceptedError || error instanceof UnsupportedTransferSyntaxError) {
    return { status: DimseStatus.TransferSyntaxNotSupported, reason, transient: false };
  }
  if (error instanceof NotDicomError || error instanceof TruncatedDicomError || error instanceof NotPart10Error || error instanceof PixelDataTruncatedError) {
    return { status: DimseStatus.CannotUnderstand, reason, transient: false };
  }
  return { status: DimseStatus.ProcessingFailure, reason, transient: true };
}

export function storeStatusOf(error: unknown): StoreStatus {
  return storeStatusFor(ingestFailureOf(error));
}

export function storeStatusFor(failure: IngestFailure): StoreStatus {
  // C-STORE has no 0xC122: a syntax we refuse is one we "cannot understand" (PS3.4 B.2.3)
  const status = failure.status === DimseStatus.TransferSyntaxNotSupported ? DimseStatus.CannotUnderstand : failure.status;
  return { status, errorComment: failure.reason };
}
