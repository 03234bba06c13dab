import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';
import { boundaryOf, contentTypeParameter, DicomJson, DimseStatus, MultipartError, MultipartRelatedParser, PartHeaders, PartSink } from '@nidus/dicom-net';
import { ingestFailureOf } from './ingest-status';
import { IngestOutcome, IngestService } from './ingest.service';

/** Limits of STOW-RS requests. */
export interface StowOptions {
  /** a request larger than this is refused (413), also while it streams in */
  maxRequestBytes: number;
  /** one instance (one part) larger than this is refused (413) */
  maxInstanceBytes: number;
  maxInstancesPerRequest: number;
  /** parts being stored while the next one streams in */
  storeConcurrency: number;
}

/** A STOW-RS request refused as a whole (PS3.18 10.5.3): its HTTP status and why. */
export class StowRequestError extends Error {
  override name = 'StowRequestError';
  constructor(
    readonly httpStatus: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export interface StowResult {
  httpStatus: 200 | 202 | 409;
  body: DicomJson;
  /** the failures in words, for HTTP Warning headers (PS3.18 8.7.5) */
  reasons: string[];
}

/** Counts the bytes of a request as they pass, refusing it past the limit. */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) return callback(new StowRequestError(413, `request larger than ${max} bytes`));
      callback(null, chunk);
    },
  });
}

const discard = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

/**
 * Store Instances (PS3.18 10.5): multipart/related; type="application/dicom" parts streamed to temp
 * files as they arrive and ingested (a part is stored while the next streams in), answered with
 * ReferencedSOPSequence / FailedSOPSequence.
 */
export class StowIngestService {
  constructor(
    private readonly ingest: IngestService,
    private readonly options: StowOptions,
  ) {}

  async store(request: IncomingMessage, baseUrl: string, StudyInstanceUID?: string): Promise<StowResult> {
    const contentType = request.headers['content-type'] ?? '';
    if (!/^multipart\/related\s*(;|$)/i.test(contentType))
      throw new StowRequestError(415, `Content-Type must be multipart/related; type="application/dicom", not '${contentType}'`);
    const type = contentTypeParameter(contentType, 'type');
    if (type !== undefined && type.toLowerCase() !== 'application/dicom') {
      throw new StowRequestError(415, `type="${type}" is not supported: only application/dicom parts (PS3.18 10.5.1.1)`);
    }
    const boundary = boundaryOf(contentType);
    if (!boundary) throw new StowRequestError(400, 'multipart/related without a boundary parameter');
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxRequestBytes)
      throw new StowRequestError(413, `request of ${declared} bytes is larger than ${this.options.maxRequestBytes}`);

    const outcomes: IngestOutcome[] = [];
    const parser = new MultipartRelatedParser(
      boundary,
      { part: (headers, index) => this.sinkFor(headers, index, outcomes, StudyInstanceUID) },
      { maxPartBytes: this.options.maxInstanceBytes, maxParts: this.options.maxInstancesPerRequest, concurrency: this.options.storeConcurrency },
    );
    try {
      await pipeline(request, byteLimit(this.options.maxRequestBytes), parser);
    } catch (error) {
      if (error instanceof StowRequestError) throw error;
      if (error instanceof MultipartError) throw new StowRequestError(error.kind === 'too-large' ? 413 : 400, error.message);
      throw error;
    }
    return respond(outcomes, baseUrl);
  }

  private sinkFor(headers: PartHeaders, index: number, outcomes: IngestOutcome[], StudyInstanceUID: string | undefined): PartSink {
    const type = (headers['content-type'] ?? 'application/dicom').split(';')[0].trim().toLowerCase();
    if (type !== 'application/dicom') {
      outcomes[index] = {
        ok: false,
        failure: { status: DimseStatus.CannotUnderstand, reason: `part ${index + 1} is ${type}, not application/dicom`, transient: false },
      };
      return { stream: discard(), done: async () => undefined, abort: async () => undefined };
    }
    let temp;
    try {
      temp = this.ingest.store.createTemp();
    } catch (error) {
      outcomes[index] = { ok: false, failure: ingestFailureOf(error) };
      return { stream: discard(), done: async () => undefined, abort: async () => undefined };
    }
    return {
      stream: temp,
      done: async () => {
        if (temp.errored) {
          await temp.discard();
          outcomes[index] = { ok: false, failure: ingestFailureOf(temp.errored) };
          return;
        }
        outcomes[index] = await this.ingest.ingest(temp, { protocol: 'stow-rs', expectedStudyInstanceUID: StudyInstanceUID });
      },
      abort: () => temp.discard(),
    };
  }
}

// DICOM JSON of the Store Instances response (PS3.18 10.5.3, Table 10.5.3-2)
const RetrieveURL = '00081190';
const FailedSOPSequence = '00081198';
const ReferencedSOPSequence = '00081199';
const ReferencedSOPClassUID = '00081150';
const ReferencedSOPInstanceUID = '00081155';
const FailureReason = '00081197';

function ui(value: string | undefined) {
  return value ? { vr: 'UI', Value: [value] } : { vr: 'UI' };
}

/** 200 all stored, 202 some failed, 409 none stored (PS3.18 10.5.3 Table 10.5.3-1). */
export function respond(outcomes: IngestOutcome[], baseUrl: string): StowResult {
  const stored = outcomes.filter((o): o is Extract<IngestOutcome, { ok: true }> => !!o && o.ok);
  const failed = outcomes.filter((o): o is Extract<IngestOutcome, { ok: false }> => !!o && !o.ok);
  const body: DicomJson = {};
  const studies = new Set(stored.map((o) => o.header.StudyInstanceUID));
  if (studies.size === 1) body[RetrieveURL] = { vr: 'UR', Value: [`${baseUrl}/studies/${[...studies][0]}`] };
  if (stored.length) {
    body[ReferencedSOPSequence] = {
      vr: 'SQ',
      Value: stored.map((o) => ({
        [ReferencedSOPClassUID]: ui(o.header.SOPClassUID),
        [ReferencedSOPInstanceUID]: ui(o.header.SOPInstanceUID),
        [RetrieveURL]: {
          vr: 'UR',
          Value: [`${baseUrl}/studies/${o.header.StudyInstanceUID}/series/${o.header.SeriesInstanceUID}/instances/${o.header.SOPInstanceUID}`],
        },
      })),
    };
  }
  if (failed.length) {
    body[FailedSOPSequence] = {
      vr: 'SQ',
      Value: failed.map((o) => ({
        [ReferencedSOPClassUID]: ui(o.SOPClassUID),
        [ReferencedSOPInstanceUID]: ui(o.SOPInstanceUID),
        [FailureReason]: { vr: 'US', Value: [o.failure.status] },
      })),
    };
  }
  const httpStatus = failed.length === 0 ? 200 : stored.length === 0 ? 409 : 202;
  return { httpStatus, body, reasons: failed.map((o) => `${o.SOPInstanceUID ?? 'instance'}: ${o.failure.reason}`) };
}
