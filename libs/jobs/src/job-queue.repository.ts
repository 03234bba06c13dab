import type { Job, JobOptions, Queue } from 'bull';
import { jobId } from './job-identity';
import { JOB_QUEUE, JobName, JobPayloads, Priority, PRIORITY, QueueKey, QUEUES } from './job-names';
import type { LockKeeper } from './lock-keeper';

export interface EnqueueOptions {
  priority?: Priority;
  delayMs?: number;
  /** overrides the identity derived from the payload (rarely needed) */
  jobId?: string;
}

/** Retries with exponential backoff: 2 s, 4 s, 8 s, 16 s, 32 s. */
export const DEFAULT_JOB_OPTIONS: JobOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

/** The Bull queues, behind one small class. */
export class JobQueue {
  constructor(
    readonly queues: Record<QueueKey, Queue>,
    /** renews running jobs' locks off the event loop (absent: Bull's own timer alone) */
    readonly lockKeeper?: LockKeeper,
  ) {}

  queueOf(name: JobName): Queue {
    return this.queues[JOB_QUEUE[name]];
  }

  /** Adds a job unless one with the same identity is already there (Bull ignores a repeated jobId). */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<string> {
    const id = options.jobId ?? jobId(name, payload);
    await this.queueOf(name).add(name, payload, {
      ...DEFAULT_JOB_OPTIONS,
      jobId: id,
      priority: PRIORITY[options.priority ?? 'routine'],
      delay: options.delayMs,
    });
    return id;
  }

  async getJob(name: JobName, id: string): Promise<Job | null> {
    return this.queueOf(name).getJob(id);
  }

  /** True when every queue's Redis connection answers a PING within the timeout. */
  async healthy(timeoutMs = 1000): Promise<boolean> {
    try {
      await Promise.all(
        Object.values(this.queues).map((q) =>
          Promise.race([q.client.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs))]),
        ),
      );
      return true;
    } catch {
      return false;
    }
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [key, q] of Object.entries(this.queues)) out[key] = (await q.getJobCounts()) as unknown as Record<string, number>;
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    await this.lockKeeper?.close();
  }
}

export const QUEUE_NAMES = Object.values(QUEUES);
