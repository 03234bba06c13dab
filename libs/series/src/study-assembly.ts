import type { Route } from '@nidus/config';
import type { Logger } from '@nidus/observability';
import type { SeriesEntity } from '@nidus/persistence';
import type { EnqueueOptions, JobPayloads } from '@nidus/jobs';
import type { SeriesArrivalListener, StoredInstance } from './series-arrival';
import { stableAfterSeconds } from './routing';
import { completesWithEachImage } from './single-image';

/** The queue, as assembly uses it: JobQueue fits. */
export interface CheckQueue {
  enqueue(name: 'series.check-complete', payload: JobPayloads['series.check-complete'], options?: EnqueueOptions): Promise<string>;
}

/** The index, as assembly reads it: StudyIndexRepository fits. */
export interface SeriesLookup {
  findSeries(SeriesInstanceUID: string): Promise<SeriesEntity | null>;
  quietSeries(before: Date): Promise<SeriesEntity[]>;
}

export interface StudyAssemblyOptions {
  /** STABLE_AFTER_SECONDS */
  stableAfterSeconds: number;
  routes: readonly Route[];
  /** how often, at most, a busy series' state is handed to the queue */
  flushIntervalMs?: number;
  logger?: Logger;
}

interface Pending {
  stableMs: number;
  temporalPositions?: number;
  /** a projection radiograph: complete with each image */
  singleImage: boolean;
  timer?: NodeJS.Timeout;
  flushing: boolean;
  dirty: boolean;
}

/** The job identity of an early check (count reached): apart from the quiet-period check of the same count. */
export function earlyCheckJobId(SeriesInstanceUID: string, instanceCount: number, revision = 0): string {
  return `series.check-complete:early:${SeriesInstanceUID}:${instanceCount}${revision > 0 ? `:r${revision}` : ''}`;
}

/**
 * Hears every stored instance and keeps a `series.check-complete` job queued for its series:
 * delayed by the quiet period (STABLE_AFTER_SECONDS, or the route's own), and at once when the series
 * announced its count (ImagesInAcquisition), a perfusion grid may be full (NumberOfTemporalPositions), or it is a
 * projection radiograph (DX, CR), complete with each image.
 * The job carries the instance count it saw, so a job overtaken by later instances does nothing: the
 * state lives in the index and the queue (Redis), not here, and `recover()` re-queues after a restart.
 */
export class StudyAssembly implements SeriesArrivalListener {
  private readonly pending = new Map<string, Pending>();
  private readonly flushIntervalMs: number;

  constructor(
    private readonly lookup: SeriesLookup,
    private readonly queue: CheckQueue,
    private readonly options: StudyAssemblyOptions,
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
  }

  instanceStored(header: StoredInstance, callingAETitle: string | undefined): void {
    const uid = header.SeriesInstanceUID;
    let p = this.pending.get(uid);
    if (!p) {
      const seconds = stableAfterSeconds(
        {
          Modality: header.series.Modality,
          BodyPartExamined: header.series.BodyPartExamined,
          SeriesDescription: header.series.SeriesDescription,
          SOPClassUID: header.SOPClassUID,
          callingAETitle,
        },
        this.options.routes,
        this.options.stableAfterSeconds,
      );
      p = {
        stableMs: seconds * 1000,
        temporalPositions: header.NumberOfTemporalPositions,
        singleImage: completesWithEachImage({ Modality: header.series.Modality, SOPClassUID: header.SOPClassUID }),
        flushing: false,
        dirty: false,
      };
      this.pending.set(uid, p);
    }
    p.temporalPositions ??= header.NumberOfTemporalPositions;
    p.dirty = true;
    if (!p.timer && !p.flushing) p.timer = setTimeout(() => void this.flush(uid), this.flushIntervalMs);
  }

  /**
   * Queues checks for series left receiving and quiet (after a restart, or a lost timer). Quiet means
   * for the longest period any route asks, so the check finds every series it is given quiet enough.
   */
  async recover(now = new Date()): Promise<number> {
    const longest = Math.max(this.options.stableAfterSeconds, ...this.options.routes.map((r) => r.stableAfterSeconds ?? 0));
    const quiet = await this.lookup.quietSeries(new Date(now.getTime() - longest * 1000));
    for (const s of quiet)
      await this.queue.enqueue('series.check-complete', {
        SeriesInstanceUID: s.SeriesInstanceUID,
        instanceCount: s.instanceCount,
        ...(s.revision > 0 && { revision: s.revision }),
      });
    return quiet.length;
  }

  /** Flushes what is pending now (tests, shutdown). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((uid) => this.flush(uid)));
  }

  stop(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private async flush(uid: string): Promise<void> {
    const p = this.pending.get(uid);
    if (!p || p.flushing) return;
    clearTimeout(p.timer);
    p.timer = undefined;
    p.flushing = true;
    p.dirty = false;
    try {
      const series = await this.lookup.findSeries(uid);
      if (series) {
        const payload = { SeriesInstanceUID: uid, instanceCount: series.instanceCount, ...(series.revision > 0 && { revision: series.revision }) };
        await this.queue.enqueue('series.check-complete', payload, { delayMs: p.stableMs });
        const T = p.temporalPositions;
        const announced = series.expectedInstanceCount !== null && series.instanceCount >= series.expectedInstanceCount;
        const gridMayBeFull = !!T && T > 1 && series.instanceCount % T === 0 && series.instanceCount >= 2 * T;
        if (announced || gridMayBeFull || p.singleImage)
          await this.queue.enqueue('series.check-complete', payload, { jobId: earlyCheckJobId(uid, series.instanceCount, series.revision) });
      }
    } catch (error) {
      this.options.logger?.error({ SeriesInstanceUID: uid, err: { message: (error as Error).message } }, 'cannot queue the series check; recover() will');
    } finally {
      p.flushing = false;
      if (p.dirty) p.timer = setTimeout(() => void this.flush(uid), this.flushIntervalMs);
      else this.pending.delete(uid);
    }
  }
}
