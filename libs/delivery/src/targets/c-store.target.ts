import {
  AssociationRejectedError,
  DimseTlsClientOptions,
  formatStatus,
  NoAcceptedPresentationContextError,
  statusCategory,
  storeInstances,
  StoreInstanceOutcome,
  TlsHandshakeError,
} from '@nidus/dicom-net';
import { DicomError } from '@nidus/dicom';
import { DeliveryFailedError, DeliveryRejectedError } from './delivery.errors';
import { DeliveryObject, DeliveryOutcome, DeliveryTarget, outcomeFor } from './delivery-target';

export interface CStoreTargetOptions {
  id: string;
  host: string;
  port: number;
  /** the PACS's AE title */
  calledAETitle: string;
  /** Nidus's AE title as the PACS knows it */
  callingAETitle: string;
  connectTimeoutMs?: number;
  dimseTimeoutMs?: number;
  /** DICOM TLS (PS3.15 B.9); absent: plain TCP */
  tls?: DimseTlsClientOptions;
}

/** PS3.8 9.3.4: A-ASSOCIATE-RJ result 1 is rejected-permanent, 2 rejected-transient. */
const REJECTED_PERMANENT = 1;

/**
 * DIMSE C-STORE to a PACS (PS3.4 B.2), over libs/dicom-net's SCU: each object in its own transfer syntax, as few
 * associations as possible. Success and warnings (PS3.7 C.1) are delivered; "out of resources" (A7xx), processing
 * failure (0110), lost or transiently rejected associations, failed TLS handshakes and timeouts are retried; other
 * refusals are final.
 */
export class CStoreTarget implements DeliveryTarget {
  readonly id: string;

  constructor(private readonly options: CStoreTargetOptions) {
    this.id = options.id;
  }

  async deliver(objects: readonly DeliveryObject[]): Promise<DeliveryOutcome[]> {
    const { host, port, calledAETitle, callingAETitle } = this.options;
    const results = await storeInstances(
      host,
      port,
      calledAETitle,
      callingAETitle,
      objects.map((o) => o.bytes),
      {
        connectTimeoutMs: this.options.connectTimeoutMs,
        dimseTimeoutMs: this.options.dimseTimeoutMs,
        tls: this.options.tls,
      },
    );
    return objects.map((o, i) => this.outcome(o, results[i]));
  }

  private outcome(object: DeliveryObject, result: StoreInstanceOutcome): DeliveryOutcome {
    const where = `C-STORE ${this.options.calledAETitle}@${this.options.host}:${this.options.port}`;
    const uid = object.SOPInstanceUID;
    if (result.status !== undefined) {
      const status = result.status;
      const detail = `status ${formatStatus(status)}${result.errorComment ? ` (${result.errorComment})` : ''}`;
      const category = statusCategory(status);
      if (category === 'success' || category === 'warning') return outcomeFor(uid, category === 'warning' ? `warning ${detail}` : detail);
      const message = `${where}: ${uid} answered ${detail}`;
      const transient = (status & 0xff00) === 0xa700 || status === 0x0110 || category === 'cancel';
      return outcomeFor(uid, detail, transient ? new DeliveryFailedError(this.id, message, status) : new DeliveryRejectedError(this.id, message, status));
    }
    const error = result.error ?? new Error('no response');
    const message = `${where}: ${error.message}`;
    if (error instanceof AssociationRejectedError && error.result === REJECTED_PERMANENT) {
      return outcomeFor(uid, `association rejected: ${error.message}`, new DeliveryRejectedError(this.id, message));
    }
    if (error instanceof DicomError) {
      return outcomeFor(uid, `not sendable: ${error.message}`, new DeliveryRejectedError(this.id, message));
    }
    if (error instanceof NoAcceptedPresentationContextError) {
      return outcomeFor(uid, `not accepted: ${error.message}`, new DeliveryRejectedError(this.id, message));
    }
    if (error instanceof TlsHandshakeError) {
      // an untrusted certificate or a refused one: worth retrying (a certificate renewed in the meantime), and named
      return outcomeFor(uid, `TLS handshake failed: ${error.message}`, new DeliveryFailedError(this.id, message));
    }
    const code = (error as NodeJS.ErrnoException).code;
    return outcomeFor(uid, code ? `network: ${code}` : error.message, new DeliveryFailedError(this.id, message));
  }
}
