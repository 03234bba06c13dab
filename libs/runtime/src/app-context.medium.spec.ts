import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@nidus/config';
import { JobHandlers, JobRunner } from '@nidus/jobs';
import { AppContext, closeAppContext, openAppContext } from './app-context';

const none = async () => undefined;
const handlers = (over: Partial<JobHandlers>): JobHandlers => ({
  'series.check-complete': none,
  'study.check-complete': none,
  'analysis.run': none,
  'results.deliver': none,
  'alert.evaluate': none,
  'alert.escalate': none,
  ...over,
});

// Two deployments on one Redis (real, 127.0.0.1:6379), told apart by REDIS_PREFIX alone.
describe(openAppContext.name, () => {
  const dirs: string[] = [];
  const contexts: AppContext[] = [];
  afterAll(async () => {
    for (const c of contexts) {
      for (const q of Object.values(c.queue.queues)) await q.obliterate({ force: true }).catch(() => undefined);
      await closeAppContext(c);
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function deployment(prefix: string): Promise<AppContext> {
    const dir = mkdtempSync(join(tmpdir(), 'nidus-prefix-'));
    dirs.push(dir);
    const context = await openAppContext(loadConfig({ DATA_DIR: dir, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }), { logger: pino({ level: 'silent' }) });
    contexts.push(context);
    return context;
  }

  it("keeps each deployment's jobs to itself when they share a Redis under their own REDIS_PREFIX", async () => {
    const tag = randomBytes(4).toString('hex');
    const a = await deployment(`hospital-a-${tag}`);
    const b = await deployment(`hospital-b-${tag}`);
    expect([a.prefix, b.prefix]).toEqual([`hospital-a-${tag}`, `hospital-b-${tag}`]);
    const seen: string[] = [];
    let arrived!: () => void;
    const done = new Promise<void>((resolve) => (arrived = resolve));
    new JobRunner(b.queue, b.logger).start(handlers({ 'analysis.run': async ({ analysisId }) => void seen.push(`b:${analysisId}`) }));
    new JobRunner(a.queue, a.logger).start(
      handlers({
        'analysis.run': async ({ analysisId }) => {
          seen.push(`a:${analysisId}`);
          arrived();
        },
      }),
    );
    await a.queue.enqueue('analysis.run', { analysisId: 'of-a' });
    await done;
    await new Promise((r) => setTimeout(r, 500)); // time for b to take it, if it could
    expect(seen).toEqual(['a:of-a']);
  });
});
