import type { Job } from 'bull';
import type { Logger } from '@nidus/observability';
import { JOB_GRAPH } from './job-graph';
import { JOB_NAMES, JobName, JobPayloads, Priority, QueueKey } from './job-names';
import { JobQueue } from './job-queue.repository';
import { JobRegistrationError } from './queue.errors';

export interface FollowUp<F extends JobName> {
  payload: JobPayloads[F];
  priority?: Priority;
  delayMs?: number;
  /** instead of the id derived from the payload (the next try of the same work) */
  jobId?: string;
}

/** What a handler asks to run next; only jobs the graph lists after it are allowed. */
export type FollowUps = { [F in JobName]?: FollowUp<F>[] };

export interface JobContext {
  attempt: number;
  jobId: string;
  /** enqueue a follow-up now, before the handler returns (checked against JOB_GRAPH like returned ones) */
  followUp: <F extends JobName>(next: F, followUp: FollowUp<F>) => Promise<void>;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], context: JobContext) => Promise<FollowUps | void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

/** How many jobs of each queue one worker process runs at once. Analyses are CPU-bound. */
export const CONCURRENCY: Record<QueueKey, number> = { ingest: 4, analysis: 1, delivery: 4, alerts: 4 };

/**
 * Binds each job name to exactly one handler, checked at boot, and enqueues follow-ups by the job graph.
 */
export class JobRunner {
  constructor(
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly onJob: (name: JobName, outcome: 'completed' | 'failed') => void = () => undefined,
  ) {}

  static check(handlers: Partial<Record<string, unknown>>): void {
    const missing = JOB_NAMES.filter((n) => typeof handlers[n] !== 'function');
    const unknown = Object.keys(handlers).filter((n) => !(JOB_NAMES as string[]).includes(n));
    if (missing.length || unknown.length) {
      throw new JobRegistrationError(
        [missing.length ? `no handler for ${missing.join(', ')}` : '', unknown.length ? `handlers for unknown jobs ${unknown.join(', ')}` : '']
          .filter(Boolean)
          .join('; '),
      );
    }
  }

  start(handlers: JobHandlers, concurrency: Partial<Record<QueueKey, number>> = {}): void {
    JobRunner.check(handlers);
    void this.queue.lockKeeper?.start();
    const perQueue = new Map<QueueKey, JobName[]>();
    for (const name of JOB_NAMES) {
      const key = this.queueKey(name);
      perQueue.set(key, [...(perQueue.get(key) ?? []), name]);
    }
    for (const [key, names] of perQueue) {
      const total = concurrency[key] ?? CONCURRENCY[key];
      // Bull adds up the concurrency of named processors on one queue: give the first all of it.
      names.forEach((name, i) => {
        this.queue.queues[key].process(name, i === 0 ? total : 0, (job: Job) => this.run(name, handlers[name] as JobHandler<JobName>, job));
      });
    }
  }

  private queueKey(name: JobName): QueueKey {
    const q = this.queue.queueOf(name);
    return (Object.keys(this.queue.queues) as QueueKey[]).find((k) => this.queue.queues[k] === q)!;
  }

  private async run(name: JobName, handler: JobHandler<JobName>, job: Job): Promise<void> {
    const enqueue = async (next: JobName, f: FollowUp<JobName>) => {
      if (!JOB_GRAPH[name].includes(next)) throw new JobRegistrationError(`${name} may not be followed by ${next} (see JOB_GRAPH)`);
      await this.queue.enqueue(next, f.payload, { priority: f.priority, delayMs: f.delayMs, jobId: f.jobId });
    };
    const context: JobContext = { attempt: job.attemptsMade + 1, jobId: String(job.id), followUp: enqueue as JobContext['followUp'] };
    // the lock is kept from another thread while the handler runs, however busy it keeps this one
    const release = this.queue.lockKeeper?.hold(this.queue.queueOf(name), job);
    try {
      const followUps = (await handler(job.data, context)) ?? {};
      for (const [next, list] of Object.entries(followUps) as [JobName, FollowUp<JobName>[]][]) {
        for (const f of list ?? []) await enqueue(next, f);
      }
      this.onJob(name, 'completed');
    } catch (error) {
      this.onJob(name, 'failed');
      this.logger.error(
        { job: name, jobId: context.jobId, attempt: context.attempt, err: { type: (error as Error).name, message: (error as Error).message } },
        'job failed',
      );
      throw error;
    } finally {
      release?.();
    }
  }
}
