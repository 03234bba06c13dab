// Typed errors of the DICOM upper layer and DIMSE. The edges map them once to statuses.

export abstract class DicomNetError extends Error {
  override name = this.constructor.name;
}

/** The peer broke PS3.8: malformed or unexpected PDU. We abort the association. */
export class PduProtocolError extends DicomNetError {
  constructor(
    message: string,
    readonly abortReason: number,
  ) {
    super(message);
  }
}

/** The SCP answered A-ASSOCIATE-RJ (PS3.8 9.3.4). */
export class AssociationRejectedError extends DicomNetError {
  constructor(
    readonly result: number,
    readonly source: number,
    readonly reason: number,
  ) {
    super(`association rejected (result ${result}, source ${source}, reason ${reason}): ${describeReject(source, reason)}`);
  }
}

/** The association ended by A-ABORT, or the connection dropped, before the operation finished. */
export class AssociationAbortedError extends DicomNetError {
  constructor(
    message: string,
    readonly source?: number,
    readonly reason?: number,
  ) {
    super(message);
  }
}

/** No answer within the DIMSE / ARTIM / connect timeout. */
export class DimseTimeoutError extends DicomNetError {}

/** None of the presentation contexts we proposed for this SOP class / transfer syntax was accepted. */
export class NoAcceptedPresentationContextError extends DicomNetError {
  constructor(
    readonly sopClassUID: string,
    readonly transferSyntaxUID?: string,
  ) {
    super(`no accepted presentation context for SOP class ${sopClassUID}${transferSyntaxUID ? ` in ${transferSyntaxUID}` : ''}`);
  }
}

/** A DIMSE message we cannot decode (PS3.7 6.3 command set). */
export class InvalidCommandError extends DicomNetError {}

function describeReject(source: number, reason: number): string {
  if (source === 1)
    return (
      (
        {
          1: 'no reason given',
          2: 'application context name not supported',
          3: 'calling AE title not recognized',
          7: 'called AE title not recognized',
        } as Record<number, string>
      )[reason] ?? 'reserved'
    );
  if (source === 2) return ({ 1: 'no reason given', 2: 'protocol version not supported' } as Record<number, string>)[reason] ?? 'reserved';
  if (source === 3) return ({ 1: 'temporary congestion', 2: 'local limit exceeded' } as Record<number, string>)[reason] ?? 'reserved';
  return 'unknown source';
}

/** The TLS handshake with the peer failed: its certificate is not trusted, or it refused ours (or our lack of one). */
export class TlsHandshakeError extends DicomNetError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
