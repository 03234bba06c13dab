import type { Logger } from '@nidus/observability';
import { deliveryJobId, jobId, type JobName, type JobQueue } from '@nidus/jobs';
import type { AnalysisRepository, DeliveryRepository } from '@nidus/persistence';

/** Job states in which the job will still run (Bull): anything else, or no job at all, is no live job. */
const LIVE = new Set(['waiting', 'delayed', 'active', 'paused']);

export interface ReconcileCounts {
  analyses: number;
  deliveries: number;
}

/**
 * The database is the truth: every analysis it says is queued or running, and every delivery that is pending or
 * due, gets a queue job when it has no live one (Redis restarted empty, a job failed by the stalled check, a crash
 * between the database and the queue). Job ids are those the pipeline uses, so a job that exists is never doubled,
 * and any number of workers may reconcile at once.
 */
export class QueueReconciler {
  constructor(
    private readonly queue: JobQueue,
    private readonly analyses: Pick<AnalysisRepository, 'unfinished'>,
    private readonly deliveries: Pick<DeliveryRepository, 'due'>,
    private readonly logger: Logger,
  ) {}

  async run(now = new Date()): Promise<ReconcileCounts> {
    const counts: ReconcileCounts = { analyses: 0, deliveries: 0 };
    for (const a of await this.analyses.unfinished()) {
      const payload = { analysisId: a.id };
      if (await this.ensure('analysis.run', jobId('analysis.run', payload), () => this.queue.enqueue('analysis.run', payload, { priority: a.priority })))
        counts.analyses++;
    }
    for (const d of await this.deliveries.due(now)) {
      const payload = { analysisId: d.analysisId, SOPInstanceUID: d.SOPInstanceUID, targetId: d.targetId };
      const id = deliveryJobId(payload, d.round, d.attempts + 1);
      if (await this.ensure('results.deliver', id, () => this.queue.enqueue('results.deliver', payload, { jobId: id }))) counts.deliveries++;
    }
    if (counts.analyses || counts.deliveries) this.logger.warn(counts, 'queue jobs given to work the database holds unfinished');
    return counts;
  }

  /** Enqueues unless a live job with this id exists; a finished one (completed or failed) is removed first. True when enqueued. */
  private async ensure(name: JobName, id: string, enqueue: () => Promise<string>): Promise<boolean> {
    const job = await this.queue.getJob(name, id);
    if (job) {
      const state = await job.getState();
      if (LIVE.has(state)) return false;
      await job.remove().catch(() => undefined); // locked by a worker finishing it just now: the add below is then ignored
    }
    await enqueue();
    return true;
  }
}

/** Reconciles now and then every `intervalSeconds` (0: only now); stop() ends it. Errors are logged, not thrown. */
export function startReconciling(reconciler: QueueReconciler, intervalSeconds: number, logger: Logger): { first: Promise<void>; stop: () => void } {
  const tick = () =>
    reconciler.run().then(
      () => undefined,
      (error: Error) => logger.error({ err: { type: error.name, message: error.message } }, 'reconciling database and queue failed; tried again later'),
    );
  const first = tick();
  const timer = intervalSeconds > 0 ? setInterval(() => void tick(), intervalSeconds * 1000) : undefined;
  timer?.unref();
  return { first, stop: () => clearInterval(timer) };
}
