import { Worker } from 'node:worker_threads';
import type { Job, Queue } from 'bull';

/**
 * Bull renews a running job's lock with a timer on the event loop (every lockDuration / 2). A handler that keeps
 * the loop busy longer than lockDuration (a CPU-bound analysis stage on a loaded machine) lets the lock lapse; the
 * stalled check of another worker then takes the same job and runs it a second time beside the first. The keeper
 * renews the locks of the running jobs from a thread of its own, with its own Redis connection, so a busy loop
 * does not matter; a dead process takes the thread with it, and its locks lapse as before (the re-run after a
 * crash stays lockDuration + stalledInterval away). A hold ends when the job ends, or after `maxHoldMs` (a job
 * stuck that long is given up to the stalled check).
 */
export interface LockKeeperOptions {
  lockDurationMs: number;
  /** how often the thread renews; default lockDurationMs / 4 */
  renewEveryMs?: number;
  maxHoldMs: number;
}

// The thread's program: Bull's own extendLock (lib/commands/extendLock-2.lua): the lock is extended only while it
// still holds this worker's token, and the job leaves the stalled set.
const KEEPER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Redis = require(workerData.ioredisPath);
const redis = new Redis(workerData.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
redis.on('error', () => undefined);
redis.once('ready', () => parentPort.postMessage({ ready: true }));
redis.defineCommand('nidusExtendLock', {
  numberOfKeys: 2,
  lua: 'if redis.call("GET", KEYS[1]) == ARGV[1] then if redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) then redis.call("SREM", KEYS[2], ARGV[3]) return 1 end end return 0',
});
const holds = new Map();
const renew = async () => {
  const now = Date.now();
  for (const [id, h] of holds) {
    if (now > h.until) { holds.delete(id); continue; }
    try {
      const ok = await redis.nidusExtendLock(h.lockKey, h.stalledKey, h.token, workerData.lockDurationMs, h.jobId);
      if (ok !== 1) holds.delete(id); // the lock is gone or another's: nothing of ours to keep
      else parentPort.postMessage({ renewed: id });
    } catch {}
  }
};
setInterval(renew, workerData.renewEveryMs);
parentPort.on('message', (m) => {
  if (m.op === 'hold') holds.set(m.id, { ...m.lock, until: Date.now() + workerData.maxHoldMs });
  else if (m.op === 'release') holds.delete(m.id);
  else if (m.op === 'close') { holds.clear(); redis.quit().catch(() => undefined).finally(() => process.exit(0)); }
});
`;

interface BullInternals {
  token: string;
  keys: { stalled: string };
  toKey(id: string): string;
}

export class LockKeeper {
  private worker?: Worker;
  private started?: Promise<void>;
  private next = 0;
  private renewals = 0;

  constructor(
    private readonly redisUrl: string,
    private readonly options: LockKeeperOptions,
  ) {}

  /** Starts the thread (else the first hold does); resolves once it is connected to Redis. */
  start(): Promise<void> {
    this.thread();
    return this.started!;
  }

  /** Keeps the lock of a job this process is running until the returned release is called. */
  hold(queue: Queue, job: Job): () => void {
    const q = queue as unknown as BullInternals;
    const id = ++this.next;
    const worker = this.thread();
    const jobId = String(job.id);
    worker.postMessage({ op: 'hold', id, lock: { lockKey: `${q.toKey(jobId)}:lock`, stalledKey: q.keys.stalled, token: q.token, jobId } });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      worker.postMessage({ op: 'release', id });
    };
  }

  /** locks renewed by the thread so far */
  get renewed(): number {
    return this.renewals;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ op: 'close' });
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(KEEPER_SOURCE, {
      eval: true,
      workerData: {
        ioredisPath: require.resolve('ioredis'),
        redisUrl: this.redisUrl,
        lockDurationMs: this.options.lockDurationMs,
        renewEveryMs: this.options.renewEveryMs ?? Math.max(100, Math.floor(this.options.lockDurationMs / 4)),
        maxHoldMs: this.options.maxHoldMs,
      },
    });
    this.started = new Promise((resolve) => {
      worker.on('message', (m: { ready?: boolean; renewed?: number }) => {
        if (m.ready) resolve();
        if (m.renewed) this.renewals++;
      });
    });
    worker.on('error', () => (this.worker = undefined)); // the next hold starts another; Bull's own renewal still runs
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
