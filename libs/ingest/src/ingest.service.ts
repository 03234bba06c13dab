import { open, stat } from 'node:fs/promises';
import type { DicomDataset } from '@nidus/dicom';
import type { SeriesArrivalListener } from '@nidus/series';
import { InstanceFileStore, InstanceRecord, RecordOutcome, TempInstanceFile } from '@nidus/persistence';
import { DataSetMismatchError, NotPart10Error, StudyMismatchError, TransferSyntaxNotAcceptedError } from './ingest.errors';
import { IngestFailure, ingestFailureOf } from './ingest-status';
import { InstanceHeader, instanceHeaderOf, readInstanceHeader } from './instance-header';
import { checkPixelDataComplete } from './pixel-data-check';

export type IngestProtocol = 'dimse' | 'stow-rs';

/** Where an instance came from, and what its request said about it. */
export interface IngestSource {
  protocol: IngestProtocol;
  callingAETitle?: string;
  /** C-STORE-RQ AffectedSOPInstanceUID / AffectedSOPClassUID: the data set must agree */
  expectedSOPInstanceUID?: string;
  expectedSOPClassUID?: string;
  /** STOW-RS /studies/{StudyInstanceUID}: the instance must belong to it */
  expectedStudyInstanceUID?: string;
}

export type IngestOutcome =
  | { ok: true; header: InstanceHeader; stored: 'stored' | 'duplicate' | 'conflict' | 'replaced'; relativePath: string; sizeBytes: number }
  | { ok: false; failure: IngestFailure; SOPInstanceUID?: string; SOPClassUID?: string };

/** The index ingest writes to: StudyIndexRepository fits it. */
export interface InstanceIndex {
  recordInstance(record: InstanceRecord): Promise<RecordOutcome>;
  /** the stored copy was unreadable and another took its place: recorded on the instance, its series checked again */
  recordReplacement(SOPInstanceUID: string, file: { sha256: string; sizeBytes: number; TransferSyntaxUID: string }): Promise<void>;
}

/** Told about every instance stored, so it can decide when a series is complete. */
/** Told about every outcome, for metrics and logs. */
export interface IngestObserver {
  outcome(protocol: IngestProtocol, outcome: IngestOutcome, bytes: number): void;
}

export interface IngestServiceOptions {
  /** transfer syntaxes stored (those Nidus decodes); others are refused */
  transferSyntaxes: readonly string[];
}

/**
 * Turns a received file into a stored, indexed instance: header read and checked, file committed,
 * index updated, series assembly told. Every failure becomes an IngestFailure (one mapping, ingest-status.ts),
 * and a temp file never outlives the call.
 */
export class IngestService {
  private readonly accepted: Set<string>;

  constructor(
    readonly store: InstanceFileStore,
    private readonly index: InstanceIndex,
    private readonly arrivals: SeriesArrivalListener,
    options: IngestServiceOptions,
    private readonly observer?: IngestObserver,
  ) {
    this.accepted = new Set(options.transferSyntaxes);
  }

  get transferSyntaxes(): string[] {
    return [...this.accepted];
  }

  /** Ingests a finished (fdatasynced) temp file. */
  async ingest(temp: TempInstanceFile, source: IngestSource): Promise<IngestOutcome> {
    let header: InstanceHeader | undefined;
    // what the data set calls itself, even when that is not a valid UID: the refusal names it
    let named: { SOPInstanceUID?: string; SOPClassUID?: string } = {};
    let outcome: IngestOutcome;
    try {
      if (source.protocol === 'stow-rs' && !isPart10(temp.head()))
        throw new NotPart10Error('not a DICOM Part 10 file: no DICM prefix and File Meta Information (PS3.10 7.1)');
      const dataset = await readInstanceHeader(temp.head(), temp.complete, () => temp.path);
      named = { SOPInstanceUID: text(dataset, 'SOPInstanceUID'), SOPClassUID: text(dataset, 'SOPClassUID') };
      header = instanceHeaderOf(dataset);
      this.check(header, source);
      checkPixelDataComplete(dataset, temp.size, () => temp.path); // a cut-off image is refused, never stored
      const h = header;
      const stored = await this.oneAtATime(h.SOPInstanceUID, () =>
        this.store.commit(temp, h, {
          whenDurable: (file) =>
            this.serialized(async () =>
              (await this.index.recordInstance({
                instance: {
                  SOPInstanceUID: h.SOPInstanceUID,
                  SeriesInstanceUID: h.SeriesInstanceUID,
                  StudyInstanceUID: h.StudyInstanceUID,
                  SOPClassUID: h.SOPClassUID,
                  TransferSyntaxUID: h.TransferSyntaxUID,
                  InstanceNumber: h.InstanceNumber,
                  path: file.relativePath,
                  sizeBytes: file.sizeBytes,
                  sha256: file.sha256,
                  callingAETitle: source.callingAETitle?.slice(0, 16) ?? null,
                },
                study: h.study,
                series: h.series,
              })) === 'stored'
                ? 'first'
                : 'again',
            ),
          replaceIf: (storedPath) => unreadable(storedPath),
        }),
      );
      if (stored.outcome === 'replaced')
        await this.serialized(() =>
          this.index.recordReplacement(h.SOPInstanceUID, { sha256: stored.sha256, sizeBytes: stored.sizeBytes, TransferSyntaxUID: h.TransferSyntaxUID }),
        );
      if (stored.outcome === 'stored' || stored.outcome === 'replaced') this.arrivals.instanceStored(header, source.callingAETitle);
      outcome = { ok: true, header, stored: stored.outcome, relativePath: stored.relativePath, sizeBytes: stored.sizeBytes };
    } catch (error) {
      outcome = {
        ok: false,
        failure: ingestFailureOf(error),
        SOPInstanceUID: header?.SOPInstanceUID ?? named.SOPInstanceUID ?? source.expectedSOPInstanceUID,
        SOPClassUID: header?.SOPClassUID ?? named.SOPClassUID ?? source.expectedSOPClassUID,
      };
    } finally {
      await temp.discard(); // gone after a commit (linked elsewhere) or a failure alike
    }
    this.observer?.outcome(source.protocol, outcome, temp.size);
    return outcome;
  }

  /**
   * One index write at a time: on SQLite, TypeORM runs every transaction on the one connection, and two
   * that overlap fail ("cannot start a transaction within a transaction").
   */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.indexTail.then(work, work);
    this.indexTail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private indexTail: Promise<void> = Promise.resolve();

  /** Commits of one SOPInstanceUID one after the other: the second sees the first's file and row. */
  private oneAtATime<T>(SOPInstanceUID: string, work: () => Promise<T>): Promise<T> {
    const previous = this.committing.get(SOPInstanceUID) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.committing.set(SOPInstanceUID, tail);
    void tail.then(() => {
      if (this.committing.get(SOPInstanceUID) === tail) this.committing.delete(SOPInstanceUID);
    });
    return run;
  }

  private readonly committing = new Map<string, Promise<void>>();

  private check(header: InstanceHeader, source: IngestSource): void {
    if (!this.accepted.has(header.TransferSyntaxUID)) throw new TransferSyntaxNotAcceptedError(header.TransferSyntaxUID);
    if (source.expectedSOPInstanceUID && header.SOPInstanceUID !== source.expectedSOPInstanceUID) {
      throw new DataSetMismatchError('SOPInstanceUID', source.expectedSOPInstanceUID, header.SOPInstanceUID);
    }
    if (source.expectedSOPClassUID && header.SOPClassUID !== source.expectedSOPClassUID) {
      throw new DataSetMismatchError('SOPClassUID', source.expectedSOPClassUID, header.SOPClassUID);
    }
    if (source.expectedStudyInstanceUID && header.StudyInstanceUID !== source.expectedStudyInstanceUID) {
      throw new StudyMismatchError(source.expectedStudyInstanceUID, header.StudyInstanceUID);
    }
  }
}

/** A stored copy that ingest would refuse today (cut off, too short, unparseable) may be replaced by an intact one. */
async function unreadable(path: string): Promise<boolean> {
  try {
    const size = (await stat(path)).size;
    const head = await readHead(path, 64 * 1024);
    const dataset = await readInstanceHeader(head, head.length >= size, path);
    instanceHeaderOf(dataset);
    checkPixelDataComplete(dataset, size, path);
    return false;
  } catch {
    return true;
  }
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function text(ds: DicomDataset, keyword: string): string | undefined {
  try {
    return ds.string(keyword)?.slice(0, 64);
  } catch {
    return undefined;
  }
}

function isPart10(head: Buffer): boolean {
  return head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM';
}
