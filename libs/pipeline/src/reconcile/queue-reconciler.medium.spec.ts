import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@nidus/config';
import { generateUid } from '@nidus/dicom';
import type { JobHandlers } from '@nidus/jobs';
import { AnalysisRepository, DeliveryRepository } from '@nidus/persistence';
import { AppContext, closeAppContext, openAppContext } from '@nidus/runtime';
import { PrivateRedis, startPrivateRedis, waitUntil } from '@nidus/testing';
import { startWorker } from '../worker/start-worker';

// "The database is the truth" (issue 12): Redis restarted without its data loses every queued job; the worker
// gives them back from the database when it starts and at each reconciler tick. A Redis of the test's own, really
// killed and restarted empty; SQLite; the real worker with recording handlers.

describe('reconciling the database and the queue', () => {
  let dir: string;
  let redis: PrivateRedis;
  let context: AppContext;
  let worker: { close: () => Promise<void> } | undefined;
  const ran: string[] = [];
  const delivered: string[] = [];

  const handlers = (): JobHandlers => {
    const none = async () => undefined;
    return {
      'series.check-complete': none,
      'study.check-complete': none,
      'analysis.run': async ({ analysisId }) => {
        ran.push(analysisId);
        await new AnalysisRepository(context.db).markSucceeded(analysisId, {});
      },
      'results.deliver': async ({ SOPInstanceUID, targetId }) => {
        delivered.push(SOPInstanceUID);
        await new DeliveryRepository(context.db).recordDelivered(SOPInstanceUID, targetId);
      },
      'alert.evaluate': none,
      'alert.escalate': none,
    };
  };

  async function queuedAnalysis(): Promise<string> {
    const { analysis } = await new AnalysisRepository(context.db).createOnce({
      inputKey: randomBytes(16).toString('hex'),
      StudyInstanceUID: generateUid(),
      SeriesInstanceUID: generateUid(),
      kind: 'ctp',
      priority: 'stat',
      instanceCount: 10,
    });
    return analysis.id;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-reconcile-'));
    redis = await startPrivateRedis();
    const config = loadConfig({ DATA_DIR: dir, REDIS_URL: redis.url, LOG_LEVEL: 'silent', RECONCILE_INTERVAL_SECONDS: '1' });
    context = await openAppContext(config, { queuePrefix: 'nidus' });
  });

  afterAll(async () => {
    await worker?.close();
    if (context) await closeAppContext(context);
    await redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs, after Redis restarted empty, the analysis and the delivery the database holds queued, once the worker starts', async () => {
    const analysisId = await queuedAnalysis();
    await context.queue.enqueue('analysis.run', { analysisId }); // as the series check queued it
    const SOPInstanceUID = generateUid();
    await new DeliveryRepository(context.db).plan([{ SOPInstanceUID, targetId: 'pacs', analysisId, StudyInstanceUID: generateUid() }]);
    await context.queue.enqueue('results.deliver', { analysisId, SOPInstanceUID, targetId: 'pacs' });

    await redis.restartEmpty();
    await waitUntil('the queues reconnected', async () => ((await context.queue.healthy(500)) ? true : undefined), 15_000);
    expect((await context.queue.counts()).analysis.waiting).toBe(0); // the job is gone with Redis

    worker = await startWorker(context, handlers());
    await waitUntil('the analysis ran', async () => (ran.includes(analysisId) ? true : undefined), 15_000);
    await waitUntil('the result was delivered', async () => (delivered.includes(SOPInstanceUID) ? true : undefined), 15_000);
    expect(ran.filter((id) => id === analysisId)).toHaveLength(1);
  });

  it('gives a job, at the next tick, to an analysis queued while Redis lost its data under a running worker', async () => {
    await redis.restartEmpty();
    await waitUntil('the queues reconnected', async () => ((await context.queue.healthy(500)) ? true : undefined), 15_000);
    const analysisId = await queuedAnalysis(); // in the database; its job never reached the (new) Redis
    await waitUntil('the reconciler ran it', async () => (ran.includes(analysisId) ? true : undefined), 20_000);
    expect((await new AnalysisRepository(context.db).findById(analysisId))?.status).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 2500)); // two more ticks: nothing runs twice
    expect(ran.filter((id) => id === analysisId)).toHaveLength(1);
  });
});
