import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import Bull from 'bull';
import pino from 'pino';
import { openBullQueues } from './bull-queues';
import { QUEUES } from './job-names';
import { JobHandlers, JobRunner } from './job-runner';
import { LockKeeper } from './lock-keeper';

// Bull renews a job's lock with a timer on the event loop. A handler that keeps the loop busy longer than the
// lock lasts lets another worker's stalled check take the same job. The other worker here is a thread of its
// own (its own event loop, its own Bull queue on the same Redis), as a second worker process would be.

const REDIS_URL = 'redis://127.0.0.1:6379';
const SETTINGS = { lockDuration: 1000, stalledInterval: 300, maxStalledCount: 10 };
const BUSY_MS = 3500;

/** A second worker on `queueName`: reports every job it is handed. */
function otherWorker(prefix: string, queueName: string): { taken: string[]; ready: Promise<void>; stop: () => Promise<number> } {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const Bull = require(workerData.bullPath);
    const q = new Bull(workerData.queueName, workerData.redisUrl, { prefix: workerData.prefix, settings: workerData.settings });
    q.on('error', () => undefined);
    q.process('*', 1, async (job) => { parentPort.postMessage({ taken: String(job.id) }); });
    q.isReady().then(() => parentPort.postMessage({ ready: true }));
    parentPort.on('message', () => q.close().then(() => process.exit(0)));
    `,
    { eval: true, workerData: { bullPath: require.resolve('bull'), queueName, redisUrl: REDIS_URL, prefix, settings: SETTINGS } },
  );
  const taken: string[] = [];
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  worker.on('message', (m: { taken?: string; ready?: boolean }) => {
    if (m.taken) taken.push(m.taken);
    if (m.ready) onReady();
  });
  return {
    taken,
    ready,
    stop: () => {
      worker.postMessage('close');
      return new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** What a CPU-bound analysis stage does to the event loop. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) Math.sqrt(Math.random());
}

describe(LockKeeper.name, () => {
  it(`a job that keeps the event loop busy ${BUSY_MS} ms past a ${SETTINGS.lockDuration} ms lock is taken twice by plain Bull (the risk)`, async () => {
    const prefix = `nidus-lock-${randomBytes(4).toString('hex')}`;
    const queue = new Bull(QUEUES.analysis, REDIS_URL, { prefix, settings: SETTINGS });
    let ran = 0;
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    void queue.process('*', 1, async () => {
      ran++;
      busy(BUSY_MS);
      setTimeout(finished, 0);
    });
    await queue.isReady();
    await queue.add('analysis.run', { analysisId: 'x' }, { jobId: 'job-1' });
    // started after ours took the job: it can only have it from the stalled check
    const late = otherWorker(prefix, QUEUES.analysis);
    await done;
    await late.ready;
    await new Promise((r) => setTimeout(r, 1500));
    expect(ran).toBe(1);
    expect(late.taken).toEqual(['job-1']); // a second run of the same job, while the first was still on it
    await late.stop();
    await queue.obliterate({ force: true });
    await queue.close();
  }, 30_000);

  it('keeps the lock from its thread while the handler blocks the loop: the job runs once, on the worker that took it', async () => {
    const prefix = `nidus-lock-${randomBytes(4).toString('hex')}`;
    const queue = openBullQueues(REDIS_URL, prefix, SETTINGS);
    let ran = 0;
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    const none = async () => undefined;
    const handlers: JobHandlers = {
      'series.check-complete': none,
      'study.check-complete': none,
      'analysis.run': async () => {
        ran++;
        busy(BUSY_MS);
        setTimeout(finished, 0);
      },
      'results.deliver': none,
      'alert.evaluate': none,
      'alert.escalate': none,
    };
    new JobRunner(queue, pino({ level: 'silent' })).start(handlers);
    await queue.lockKeeper!.start();
    await queue.enqueue('analysis.run', { analysisId: 'y' });
    const other = otherWorker(prefix, QUEUES.analysis);
    await done;
    await other.ready;
    // several stalled checks of the other worker after the busy stretch
    await new Promise((r) => setTimeout(r, 1500));
    expect(ran).toBe(1);
    expect(other.taken).toEqual([]);
    expect(queue.lockKeeper!.renewed).toBeGreaterThanOrEqual(Math.floor(BUSY_MS / (SETTINGS.lockDuration / 4)) - 2);
    const job = await queue.queues.analysis.getJobCounts();
    expect(job).toMatchObject({ active: 0, waiting: 0, completed: 1 });
    await other.stop();
    for (const q of Object.values(queue.queues)) await q.obliterate({ force: true });
    await queue.close();
  }, 30_000);
});
