import pino from 'pino';
import { loadConfig } from '@nidus/config';
import { Metrics } from '@nidus/observability';
import { AnalysisInputError, AnalysisRegistry, type Analysis } from '@nidus/analysis';
import type { AnalysisEntity, AnalysisRepository, ResultFileStore, ResultObjectRepository, StudyIndexRepository } from '@nidus/persistence';
import { analysisRunHandler, AnalysisRunDeps } from './analysis-run.handler';

/** An analysis whose run the test scripts (the handler only sees the contract). */
const run = jest.fn<ReturnType<Analysis['run']>, Parameters<Analysis['run']>>();
const scripted: Analysis = {
  id: 'ctp',
  title: 'scripted',
  version: '1',
  model: null,
  level: 'series',
  defaultRoutes: [],
  accepts: () => ({ accepted: true }),
  run,
  view: () => ({ title: 'scripted', summary: '', fields: [], keyImage: null }),
};

function analysis(overrides: Partial<AnalysisEntity> = {}): AnalysisEntity {
  return { id: 'a1', kind: 'ctp', status: 'queued', priority: 'stat', StudyInstanceUID: '1.2', SeriesInstanceUID: '1.2.3', ...overrides } as AnalysisEntity;
}

function setup(stored: AnalysisEntity, objects: { SOPInstanceUID: string }[] = []) {
  const analyses = {
    findById: jest.fn(async () => stored),
    markRunning: jest.fn(),
    markSucceeded: jest.fn(),
    markFailed: jest.fn(),
    markQueued: jest.fn(),
    recordInterruption: jest.fn(async () => (stored.interruptions ?? 0) + 1),
  };
  const notify = jest.fn(async () => undefined);
  const results = { forAnalysis: jest.fn(async () => objects), recordOnce: jest.fn(async () => true) };
  const deliveries = { plan: jest.fn(async () => undefined) };
  const deps: AnalysisRunDeps = {
    config: {
      ...loadConfig({}),
      delivery: { ...loadConfig({}).delivery, targets: [{ id: 'pacs', type: 'stow-rs', url: 'http://pacs/dicom-web' }] },
    },
    logger: pino({ level: 'silent' }),
    metrics: new Metrics({ defaultMetrics: false }),
    analyses: analyses as unknown as AnalysisRepository,
    index: { seriesInstances: jest.fn(async () => [{ path: 'instances/x.dcm' }]) } as unknown as StudyIndexRepository,
    results: results as unknown as ResultObjectRepository,
    deliveries,
    files: { write: jest.fn(() => 'results/a1/seg.dcm') } as unknown as ResultFileStore,
    registry: new AnalysisRegistry([scripted]),
    operations: { notify },
  };
  const followUp = jest.fn();
  return { deps, analyses, results, deliveries, notify, followUp, context: { attempt: 1, jobId: 'j', followUp } };
}

describe(analysisRunHandler.name, () => {
  beforeEach(() => run.mockReset());

  it('stores the numbers and queues the alert before making the objects, then queues each delivery', async () => {
    const { deps, analyses, results, deliveries, followUp, context } = setup(analysis());
    const order: string[] = [];
    analyses.markSucceeded.mockImplementation(async () => void order.push('numbers'));
    followUp.mockImplementation(async (name: string) => void order.push(name));
    run.mockResolvedValue({
      result: { coreVolumeMl: 5 } as never,
      buildObjects: async () => {
        order.push('objects');
        return [{ kind: 'seg', SOPInstanceUID: '2.25.1', SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.4', SeriesInstanceUID: '2.25.2', bytes: Buffer.alloc(4) }];
      },
    });
    const next = await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(order).toEqual(['numbers', 'alert.evaluate', 'objects']);
    expect(results.recordOnce).toHaveBeenCalledWith(expect.objectContaining({ SOPInstanceUID: '2.25.1', analysisId: 'a1', kind: 'seg' }));
    expect(next?.['results.deliver']).toEqual([{ payload: { analysisId: 'a1', SOPInstanceUID: '2.25.1', targetId: 'pacs' }, priority: 'stat' }]);
    expect(deliveries.plan).toHaveBeenCalledWith([{ SOPInstanceUID: '2.25.1', targetId: 'pacs', analysisId: 'a1', StudyInstanceUID: '1.2' }]);
    expect(run.mock.calls[0][0]).toMatchObject({
      uidSeed: 'a1',
      StudyInstanceUID: '1.2',
      series: [{ SeriesInstanceUID: '1.2.3', paths: [expect.stringMatching(/instances\/x\.dcm$/)] }],
    });
  });

  it("queues a routine analysis's alert with its delivery, once its objects (the key image) exist", async () => {
    const { deps, followUp, context } = setup(analysis({ priority: 'routine' }));
    run.mockResolvedValue({
      result: {} as never,
      buildObjects: async () => [
        { kind: 'sc', SOPInstanceUID: '2.25.3', SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SeriesInstanceUID: '2.25.4', bytes: Buffer.alloc(4) },
      ],
    });
    const next = await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(followUp).not.toHaveBeenCalled();
    expect(next?.['alert.evaluate']).toEqual([{ payload: { analysisId: 'a1' }, priority: 'routine' }]);
  });

  it('does not run a finished analysis again; it re-issues its follow-ups', async () => {
    const { deps, context } = setup(analysis({ status: 'succeeded' }), [{ SOPInstanceUID: '2.25.9' }]);
    const next = await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(run).not.toHaveBeenCalled();
    expect(next?.['results.deliver']).toHaveLength(1);
    expect(next?.['alert.evaluate']).toEqual([{ payload: { analysisId: 'a1' }, priority: 'stat' }]);
  });

  it('runs a finished analysis again when it died before storing its objects', async () => {
    const { deps, analyses, context } = setup(analysis({ status: 'succeeded' }), []);
    run.mockResolvedValue({ result: {} as never, buildObjects: async () => [] });
    await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(run).toHaveBeenCalledTimes(1);
    expect(analyses.markRunning).not.toHaveBeenCalled();
  });

  it('records an input that cannot be analysed as a failure, without retrying; a stat one goes to the alert check and is counted', async () => {
    const { deps, analyses, followUp, context } = setup(analysis());
    run.mockRejectedValue(new AnalysisInputError('NotPerfusionSeriesError', 'one time point per slice position'));
    await expect(analysisRunHandler(deps)({ analysisId: 'a1' }, context)).resolves.toBeUndefined();
    expect(analyses.markFailed).toHaveBeenCalledWith('a1', 'NotPerfusionSeriesError: one time point per slice position');
    expect(followUp.mock.calls).toEqual([['alert.evaluate', { payload: { analysisId: 'a1' }, priority: 'stat' }]]);
    expect(await deps.metrics.registry.metrics()).toMatch(/nidus_stat_analysis_failures_total\{kind="ctp",reason="NotPerfusionSeriesError"\} 1/);
  });

  it('raises nothing for a routine analysis that cannot be analysed', async () => {
    const { deps, followUp, context } = setup(analysis({ priority: 'routine' }));
    run.mockRejectedValue(new AnalysisInputError('NotPerfusionSeriesError', 'one time point per slice position'));
    await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(followUp).not.toHaveBeenCalled();
    expect(await deps.metrics.registry.metrics()).not.toMatch(/nidus_stat_analysis_failures_total\{/);
  });

  it('puts a passing failure back in the queue and lets the queue retry it', async () => {
    const { deps, analyses, context } = setup(analysis());
    run.mockRejectedValue(Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }));
    await expect(analysisRunHandler(deps)({ analysisId: 'a1' }, context)).rejects.toThrow('EMFILE');
    expect(analyses.markQueued).toHaveBeenCalledWith('a1');
    expect(analyses.markFailed).not.toHaveBeenCalled();
  });

  it('fails an analysis kind that is not installed', async () => {
    const { deps, analyses, context } = setup(analysis({ kind: 'cxr-findings' }));
    await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(analyses.markFailed).toHaveBeenCalledWith('a1', 'UnknownAnalysisError: no analysis named cxr-findings is installed (installed: ctp)');
  });

  it('runs again an analysis whose worker died in the middle, counting the interruption', async () => {
    const { deps, analyses, context } = setup(analysis({ status: 'running', interruptions: 1 }));
    run.mockResolvedValue({ result: {} as never, buildObjects: async () => [] });
    await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(analyses.recordInterruption).toHaveBeenCalledWith('a1');
    expect(run).toHaveBeenCalledTimes(1);
    expect(analyses.markSucceeded).toHaveBeenCalled();
  });

  it('gives up, visibly, an analysis that stopped its worker three times', async () => {
    const { deps, analyses, notify, context } = setup(analysis({ status: 'running', interruptions: 2, attempts: 3 }));
    await analysisRunHandler(deps)({ analysisId: 'a1' }, context);
    expect(run).not.toHaveBeenCalled();
    expect(analyses.markFailed).toHaveBeenCalledWith('a1', 'WorkerDiedError: the analysis stopped its worker 3 times; not tried again');
    expect(notify).toHaveBeenCalledWith('analysis.failed', expect.objectContaining({ analysisId: 'a1', error: expect.stringMatching(/^WorkerDiedError/) }));
  });
});
