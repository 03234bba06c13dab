import pino from 'pino';
import { DeliveryFailedError, type DeliveryTarget, type RetryPolicy } from '@nidus/delivery';
import { Metrics } from '@nidus/observability';
import type { AnalysisRepository, DeliveryEntity, DeliveryRepository, ResultFileStore, ResultObjectRepository } from '@nidus/persistence';
import { resultsDeliverHandler, ResultsDeliverDeps } from './results-deliver.handler';

const policy: RetryPolicy = { baseDelayMs: 1000, factor: 2, maxDelayMs: 8000, giveUpAfterMs: 60_000, maxAttempts: null, jitter: 0 };
const payload = { analysisId: 'a1', SOPInstanceUID: '2.25.7', targetId: 'pacs' };

function setup(row: Partial<DeliveryEntity>, error: DeliveryFailedError) {
  const stored = {
    SOPInstanceUID: '2.25.7',
    targetId: 'pacs',
    analysisId: 'a1',
    StudyInstanceUID: '1.2',
    state: 'waiting',
    attempts: 0,
    round: 0,
    firstFailedAt: null,
    ...row,
  };
  const deliveries = {
    find: jest.fn(async () => stored),
    plan: jest.fn(),
    recordDelivered: jest.fn(),
    recordFailure: jest.fn(),
    list: jest.fn(async () => [stored]),
  };
  const metrics = new Metrics({ defaultMetrics: false });
  const notify = jest.fn(async () => undefined);
  const target: DeliveryTarget = {
    id: 'pacs',
    deliver: async (objects) => objects.map((o) => ({ SOPInstanceUID: o.SOPInstanceUID, outcome: 'retry', detail: error.message, error })),
  };
  const deps: ResultsDeliverDeps = {
    logger: pino({ level: 'silent' }),
    metrics,
    results: {
      find: async () => ({ path: 'results/x.dcm' }),
      delivered: async () => false,
      recordAttempt: jest.fn(),
      setState: jest.fn(),
    } as unknown as ResultObjectRepository,
    deliveries: deliveries as unknown as DeliveryRepository,
    analyses: { findById: async () => ({ priority: 'stat' }) } as unknown as AnalysisRepository,
    files: { read: () => Buffer.alloc(4) } as unknown as ResultFileStore,
    targets: new Map([['pacs', target]]),
    policy,
    operations: { notify },
    random: () => 0,
  };
  const followUp = jest.fn(async () => undefined);
  return { deps, deliveries, metrics, notify, followUp, context: { attempt: 1, jobId: 'j', followUp } };
}

async function counted(metrics: Metrics, outcome: string): Promise<number> {
  const values = (await metrics.deliveries.get()).values.filter((v) => v.labels.outcome === outcome);
  return values.reduce((n, v) => n + v.value, 0);
}

describe(resultsDeliverHandler.name, () => {
  it('queues the next try as its own delayed job, honouring Retry-After within the cap', async () => {
    const { deps, deliveries, followUp, context, metrics } = setup(
      { attempts: 2, firstFailedAt: new Date(Date.now() - 5000) },
      new DeliveryFailedError('pacs', 'HTTP 503', 503, 6000),
    );
    await resultsDeliverHandler(deps)(payload, context);
    expect(deliveries.recordFailure).toHaveBeenCalledWith(
      '2.25.7',
      'pacs',
      'HTTP 503',
      { state: 'waiting', nextAttemptAt: expect.any(Date) },
      expect.any(Date),
    );
    expect(followUp).toHaveBeenCalledWith('results.deliver', { payload, priority: 'stat', delayMs: 6000, jobId: expect.stringMatching(/:r0:a4$/) });
    expect(await counted(metrics, 'retry')).toBe(1);
  });

  it('gives up at the end of the retry span: failed, counted as failed and not as a retry, reported to operations', async () => {
    const { deps, deliveries, followUp, context, metrics, notify } = setup(
      { attempts: 40, firstFailedAt: new Date(Date.now() - 61_000) },
      new DeliveryFailedError('pacs', 'network: ECONNREFUSED'),
    );
    await resultsDeliverHandler(deps)(payload, context);
    expect(deliveries.recordFailure).toHaveBeenCalledWith('2.25.7', 'pacs', 'network: ECONNREFUSED', { state: 'failed' }, expect.any(Date));
    expect(followUp).not.toHaveBeenCalled();
    expect(await counted(metrics, 'retry')).toBe(0);
    expect(await counted(metrics, 'failed')).toBe(1);
    expect(notify).toHaveBeenCalledWith(
      'delivery.failed',
      expect.objectContaining({ attempts: 41, reason: 'retry time exhausted', lastError: 'network: ECONNREFUSED' }),
    );
  });

  it('sends nothing for a delivery already done or given up', async () => {
    for (const state of ['delivered', 'failed'] as const) {
      const { deps, deliveries, followUp, context } = setup({ state }, new DeliveryFailedError('pacs', 'x'));
      await resultsDeliverHandler(deps)(payload, context);
      expect(deliveries.recordFailure).not.toHaveBeenCalled();
      expect(followUp).not.toHaveBeenCalled();
    }
  });
});
