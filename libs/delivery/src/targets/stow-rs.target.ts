import { randomBytes } from 'node:crypto';
import { DeliveryFailedError, DeliveryRejectedError } from './delivery.errors';
import { DeliveryObject, DeliveryOutcome, DeliveryTarget, outcomeFor } from './delivery-target';

export interface StowRsTargetOptions {
  id: string;
  /** the DICOMweb root, e.g. https://pacs.example/dicom-web; objects go to <baseUrl>/studies */
  baseUrl: string;
  /** sent as is, e.g. "Bearer abc" or "Basic ..." */
  authorization?: string;
  /** per request; default 60 s */
  timeoutMs?: number;
  /** split the objects into requests of at most this many bytes (one object always goes); default 64 MiB */
  maxRequestBytes?: number;
}

// DICOM JSON keys (PS3.18 F.2): Failed SOP Sequence, Referenced SOP Sequence, their items' attributes
const FAILED_SOP_SEQUENCE = '00081198';
const REFERENCED_SOP_SEQUENCE = '00081199';
const REFERENCED_SOP_INSTANCE_UID = '00081155';
const FAILURE_REASON = '00081197';
const WARNING_REASON = '00081196';

type DicomJson = Record<string, { vr?: string; Value?: unknown[] }>;

interface StowItem {
  SOPInstanceUID: string;
  reason?: number;
}

interface StowResponse {
  referenced: StowItem[];
  failed: StowItem[];
}

function hex(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(4, '0');
}

/** Parses a STOW-RS response body (PS3.18 10.5.3): the stored and failed instances; null when there is none. */
export function parseStowResponse(body: string): StowResponse | null {
  if (!body.trim()) return null;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const dataset = (Array.isArray(json) ? json[0] : json) as DicomJson | undefined;
  if (!dataset || typeof dataset !== 'object') return null;
  const items = (key: string, reasonKey: string): StowItem[] =>
    ((dataset[key]?.Value ?? []) as DicomJson[]).flatMap((item) => {
      const uid = item[REFERENCED_SOP_INSTANCE_UID]?.Value?.[0];
      if (typeof uid !== 'string') return [];
      const reason = item[reasonKey]?.Value?.[0];
      return [{ SOPInstanceUID: uid, reason: typeof reason === 'number' ? reason : undefined }];
    });
  if (!(FAILED_SOP_SEQUENCE in dataset) && !(REFERENCED_SOP_SEQUENCE in dataset)) return null;
  return { referenced: items(REFERENCED_SOP_SEQUENCE, WARNING_REASON), failed: items(FAILED_SOP_SEQUENCE, FAILURE_REASON) };
}

/** Seconds or an HTTP date (RFC 9110 10.2.3), as milliseconds from now. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** 408 and 429 are "try later"; other 4xx are final (RFC 9110 15.5). */
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * DICOMweb STOW-RS (PS3.18 10.5): POST multipart/related; type="application/dicom" to <baseUrl>/studies, one part
 * per object. 200 all stored, 202 some stored, 409 none; the response's Referenced/Failed SOP Sequences say which.
 */
export class StowRsTarget implements DeliveryTarget {
  readonly id: string;

  constructor(private readonly options: StowRsTargetOptions) {
    this.id = options.id;
  }

  get url(): string {
    return this.options.baseUrl.replace(/\/+$/, '') + '/studies';
  }

  async deliver(objects: readonly DeliveryObject[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const batch of this.batches(objects)) outcomes.push(...(await this.post(batch)));
    return outcomes;
  }

  private batches(objects: readonly DeliveryObject[]): DeliveryObject[][] {
    const limit = this.options.maxRequestBytes ?? 64 * 1024 * 1024;
    const batches: DeliveryObject[][] = [];
    let current: DeliveryObject[] = [];
    let size = 0;
    for (const o of objects) {
      if (current.length && size + o.bytes.length > limit) {
        batches.push(current);
        current = [];
        size = 0;
      }
      current.push(o);
      size += o.bytes.length;
    }
    if (current.length) batches.push(current);
    return batches;
  }

  private async post(objects: readonly DeliveryObject[]): Promise<DeliveryOutcome[]> {
    const boundary = `nidus-${randomBytes(12).toString('hex')}`;
    const parts: Buffer[] = [];
    for (const o of objects) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, 'latin1'), o.bytes, Buffer.from('\r\n', 'latin1'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
    const headers: Record<string, string> = {
      'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
      Accept: 'application/dicom+json',
    };
    if (this.options.authorization) headers.Authorization = this.options.authorization;

    let response: Response;
    let body: string;
    try {
      response = await fetch(this.url, { method: 'POST', headers, body: Buffer.concat(parts), signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000) });
      body = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      const failed = new DeliveryFailedError(this.id, `STOW-RS ${this.url}: ${reason}`);
      return objects.map((o) => outcomeFor(o.SOPInstanceUID, `network: ${reason}`, failed));
    }

    const status = response.status;
    const statusText = `HTTP ${status}${response.statusText ? ' ' + response.statusText : ''}`;
    const parsed = status >= 200 && status < 600 ? parseStowResponse(body) : null;
    const requestError = (): DeliveryFailedError | DeliveryRejectedError | undefined => {
      if (status === 200 || status === 202) return undefined;
      if (isRetryableStatus(status))
        return new DeliveryFailedError(this.id, `STOW-RS ${this.url}: ${statusText}`, status, retryAfterMs(response.headers.get('retry-after')));
      return new DeliveryRejectedError(this.id, `STOW-RS ${this.url}: ${statusText} ${body.slice(0, 200)}`.trim(), status);
    };

    return objects.map((o) => {
      const stored = parsed?.referenced.find((r) => r.SOPInstanceUID === o.SOPInstanceUID);
      if (stored) return outcomeFor(o.SOPInstanceUID, stored.reason !== undefined ? `${statusText}, warning ${hex(stored.reason)}` : statusText);
      const failed = parsed?.failed.find((r) => r.SOPInstanceUID === o.SOPInstanceUID);
      if (failed)
        return outcomeFor(
          o.SOPInstanceUID,
          `${statusText}, failure ${failed.reason !== undefined ? hex(failed.reason) : 'without reason'}`,
          this.failureError(o, failed.reason, status),
        );
      // not listed: the request's status speaks for it
      const error = requestError();
      if (!error && parsed) {
        return outcomeFor(
          o.SOPInstanceUID,
          `${statusText}, not acknowledged`,
          new DeliveryFailedError(this.id, `STOW-RS ${this.url}: ${o.SOPInstanceUID} missing from the response`, status),
        );
      }
      return outcomeFor(o.SOPInstanceUID, statusText, error);
    });
  }

  /**
   * A per-instance FailureReason (PS3.18 Table 10.5.3-1, PS3.4 C.4.2.1.4): A7xx "out of resources" is worth another
   * try; "processing failure" (0110) too, unless the server answered 4xx for the whole request; the rest is final.
   */
  private failureError(o: DeliveryObject, reason: number | undefined, status: number): DeliveryFailedError | DeliveryRejectedError {
    const message = `STOW-RS ${this.url}: ${o.SOPInstanceUID} failed with ${reason !== undefined ? hex(reason) : 'no reason'} (HTTP ${status})`;
    const transient = reason !== undefined && ((reason & 0xff00) === 0xa700 || (reason === 0x0110 && !(status >= 400 && status < 500)));
    return transient ? new DeliveryFailedError(this.id, message, status) : new DeliveryRejectedError(this.id, message, status);
  }
}
