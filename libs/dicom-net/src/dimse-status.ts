// DIMSE status codes (PS3.7 Annex C; C-STORE specifics in PS3.4 B.2.3). STOW-RS FailureReason
// (PS3.18 10.5.3) uses the same numbers.

export const DimseStatus = {
  Success: 0x0000,
  // PS3.4 B.2.3 C-STORE warnings
  CoercionOfDataElements: 0xb000,
  ElementsDiscarded: 0xb006,
  DataSetDoesNotMatchSOPClassWarning: 0xb007,
  // PS3.4 B.2.3 C-STORE failures
  OutOfResources: 0xa700,
  DataSetDoesNotMatchSOPClass: 0xa900,
  CannotUnderstand: 0xc000,
  // PS3.7 C general failures
  ProcessingFailure: 0x0110,
  DuplicateSOPInstance: 0x0111,
  SOPClassNotSupported: 0x0122,
  NotAuthorized: 0x0124,
  UnrecognizedOperation: 0x0211,
  MistypedArgument: 0x0212,
  /** PS3.18 10.5.3: Referenced Transfer Syntax not supported */
  TransferSyntaxNotSupported: 0xc122,
} as const;

export type StatusCategory = 'success' | 'warning' | 'failure' | 'cancel' | 'pending';

/** PS3.7 C.1: the class of a status value. */
export function statusCategory(status: number): StatusCategory {
  if (status === 0x0000) return 'success';
  if (status === 0x0001 || (status & 0xf000) === 0xb000 || status === 0x0107 || status === 0x0116) return 'warning';
  if (status === 0xfe00) return 'cancel';
  if (status === 0xff00 || status === 0xff01) return 'pending';
  return 'failure';
}

export function formatStatus(status: number): string {
  return '0x' + status.toString(16).toUpperCase().padStart(4, '0');
}
