import type { DeliveryFailedError, DeliveryRejectedError } from './delivery.errors';

/** One DICOM object to send: Part 10 bytes and its SOP Instance UID. */
export interface DeliveryObject {
  SOPInstanceUID: string;
  bytes: Buffer;
}

/** What happened to one object: the words of DeliveryAttemptEntity.outcome. */
export type DeliveryOutcomeKind = 'delivered' | 'retry' | 'rejected';

export interface DeliveryOutcome {
  SOPInstanceUID: string;
  outcome: DeliveryOutcomeKind;
  /** HTTP status and reason, DIMSE status, or the peer's warning, for DeliveryAttemptEntity.detail */
  detail: string;
  /** for 'retry' and 'rejected' */
  error?: DeliveryFailedError | DeliveryRejectedError;
}

/** A place results go (the PACS by STOW-RS or C-STORE). One outcome per object, in order; it does not throw. */
export interface DeliveryTarget {
  readonly id: string;
  deliver(objects: readonly DeliveryObject[]): Promise<DeliveryOutcome[]>;
}

/** The outcome an error (or none) stands for. */
export function outcomeFor(SOPInstanceUID: string, detail: string, error?: DeliveryFailedError | DeliveryRejectedError): DeliveryOutcome {
  if (!error) return { SOPInstanceUID, outcome: 'delivered', detail };
  return { SOPInstanceUID, outcome: error.name === 'DeliveryRejectedError' ? 'rejected' : 'retry', detail, error };
}
