import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { openBullQueues } from './bull-queues';
import { jobId } from './job-identity';
import { JobQueue } from './job-queue.repository';
import { JobHandlers, JobRunner } from './job-runner';
import { JobRegistrationError, RedisUnavailableError } from './queue.errors';
import { probeRedis } from './redis-probe';

const REDIS_URL = 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });

function handlers(overrides: Partial<JobHandlers>): JobHandlers {
  const none = async () => undefined;
  return {
    'series.check-complete': none,
    'study.check-complete': none,
    'analysis.run': none,
    'results.deliver': none,
    'alert.evaluate': none,
    'alert.escalate': none,
    ...overrides,
  };
}

describe(JobQueue.name, () => {
  let queue: JobQueue;

  beforeEach(() => {
    queue = openBullQueues(REDIS_URL, `nidus-test-${randomBytes(4).toString('hex')}`);
  });

  afterEach(async () => {
    for (const q of Object.values(queue.queues)) await q.obliterate({ force: true });
    await queue.close();
  });

  it('derives the job id from the input, so the same work is queued once', async () => {
    const a = await queue.enqueue('analysis.run', { analysisId: 'a1' });
    const b = await queue.enqueue('analysis.run', { analysisId: 'a1' });
    expect(a).toBe(b);
    expect(a).toBe(jobId('analysis.run', { analysisId: 'a1' }));
    expect(jobId('analysis.run', { analysisId: 'a2' })).not.toBe(a);
    expect((await queue.queues.analysis.getJobCounts()).waiting).toBe(1);
  });

  it('serves stat before routine', async () => {
    await queue.enqueue('analysis.run', { analysisId: 'routine-1' }, { priority: 'routine' });
    await queue.enqueue('analysis.run', { analysisId: 'routine-2' }, { priority: 'routine' });
    await queue.enqueue('analysis.run', { analysisId: 'stat-1' }, { priority: 'stat' });
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      new JobRunner(queue, silent).start(
        handlers({
          'analysis.run': async ({ analysisId }) => {
            order.push(analysisId);
            if (order.length === 3) resolve();
          },
        }),
      );
    });
    await done;
    expect(order[0]).toBe('stat-1');
  });

  it('enqueues follow-ups the job graph allows, and retries failures with backoff', async () => {
    let attempts = 0;
    const delivered: string[] = [];
    const finished = new Promise<void>((resolve) => {
      new JobRunner(queue, silent).start(
        handlers({
          'analysis.run': async ({ analysisId }, { attempt }) => {
            attempts = attempt;
            if (attempt < 2) throw new Error('transient');
            return { 'results.deliver': [{ payload: { analysisId, SOPInstanceUID: '1.2.3', targetId: 'pacs' } }] };
          },
          'results.deliver': async ({ SOPInstanceUID }) => {
            delivered.push(SOPInstanceUID);
            resolve();
          },
        }),
      );
    });
    await queue.enqueue('analysis.run', { analysisId: 'x' });
    await finished;
    expect(attempts).toBe(2);
    expect(delivered).toEqual(['1.2.3']);
  });

  it('refuses to start when a job has no handler or an unknown one', () => {
    const { 'alert.escalate': _, ...partial } = handlers({});
    expect(() => JobRunner.check(partial)).toThrow(new JobRegistrationError('no handler for alert.escalate'));
    expect(() => JobRunner.check({ ...handlers({}), 'made.up': async () => undefined })).toThrow(/unknown jobs made\.up/);
  });
});

describe(probeRedis.name, () => {
  it('passes on the real Redis', async () => {
    await expect(probeRedis(REDIS_URL)).resolves.toBeUndefined();
  });

  it('names the URL and how to start Redis when nothing listens', async () => {
    const started = Date.now();
    await expect(probeRedis('redis://127.0.0.1:1')).rejects.toThrow(RedisUnavailableError);
    await expect(probeRedis('redis://127.0.0.1:1')).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\); start it/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
