import { join } from 'node:path';
import { AnalysisInputError, UnknownAnalysisError, type AnalysisRegistry } from '@nidus/analysis';
import type { NidusConfig } from '@nidus/config';
import type { OperationsNotifier } from '@nidus/delivery';
import { DEFAULT_JOB_OPTIONS, type FollowUps, type JobHandler } from '@nidus/jobs';
import type { Logger, Metrics } from '@nidus/observability';
import {
  AnalysisEntity,
  AnalysisRepository,
  DeliveryRepository,
  ResultFileStore,
  ResultInstanceIndex,
  ResultObjectRepository,
  StudyIndexRepository,
} from '@nidus/persistence';

export interface AnalysisRunDeps {
  config: Pick<NidusConfig, 'dataDir' | 'delivery'>;
  logger: Logger;
  metrics: Metrics;
  analyses: AnalysisRepository;
  index: StudyIndexRepository;
  results: ResultObjectRepository;
  /** each object's delivery to each target, recorded as pending before its job is queued */
  deliveries: Pick<DeliveryRepository, 'plan'>;
  files: ResultFileStore;
  /** indexes result objects as instances of their study, for Nidus's own DICOMweb (absent: not indexed) */
  resultIndex?: Pick<ResultInstanceIndex, 'record'>;
  /** the installed analyses */
  registry: Pick<AnalysisRegistry, 'get'>;
  /** told of an analysis given up for a reason of ours (its worker died too often, passing failures ran out) */
  operations?: Pick<OperationsNotifier, 'notify'>;
}

/** Tries cut off by a dying worker before the analysis is given up (a study that crashes its worker every time). */
export const MAX_ANALYSIS_INTERRUPTIONS = 3;

/** Errors that say the input cannot be analysed: recorded as the analysis's failure, not retried. */
function permanentReason(error: unknown): string | null {
  if (error instanceof AnalysisInputError) return error.describe();
  if (error instanceof UnknownAnalysisError) return `${error.name}: ${error.message}`;
  return null;
}

const priorityOf = (stat: boolean) => (stat ? ('stat' as const) : ('routine' as const));

/** What follows a finished analysis: the alert check, and each result object to each delivery target (recorded first). */
async function followUps(
  deps: AnalysisRunDeps,
  entity: Pick<AnalysisEntity, 'id' | 'StudyInstanceUID'>,
  stat: boolean,
  objects: readonly { SOPInstanceUID: string }[],
): Promise<FollowUps> {
  const priority = priorityOf(stat);
  const analysisId = entity.id;
  await deps.deliveries.plan(
    deps.config.delivery.targets.flatMap((target) =>
      objects.map((o) => ({ SOPInstanceUID: o.SOPInstanceUID, targetId: target.id, analysisId, StudyInstanceUID: entity.StudyInstanceUID })),
    ),
  );
  return {
    'alert.evaluate': [{ payload: { analysisId }, priority }],
    'results.deliver': deps.config.delivery.targets.flatMap((target) =>
      objects.map((o) => ({ payload: { analysisId, SOPInstanceUID: o.SOPInstanceUID, targetId: target.id }, priority })),
    ),
  };
}

/**
 * Runs one analysis, whichever it is, through the Analysis contract: the result is stored and the alert check
 * queued first, then the result objects are built, stored and queued for delivery. Safe to run again after a
 * crash: result UIDs derive from the analysis id, objects are recorded once, alerts are one per analysis, and a
 * finished analysis with its objects only re-issues its follow-ups (themselves idempotent).
 */
export function analysisRunHandler(deps: AnalysisRunDeps): JobHandler<'analysis.run'> {
  return async ({ analysisId }, { attempt, followUp }) => {
    const entity = await deps.analyses.findById(analysisId);
    if (!entity) {
      deps.logger.error({ analysisId }, 'analysis.run for an unknown analysis: dropped');
      return;
    }
    const log = { analysisId, kind: entity.kind, StudyInstanceUID: entity.StudyInstanceUID, SeriesInstanceUID: entity.SeriesInstanceUID };
    const stat = entity.priority === 'stat';
    // a stat analysis that fails is not silent: the alert check tells the team it could not be analysed, and why
    const statFailure = async (why: string) => {
      if (!stat) return;
      deps.metrics.statAnalysisFailures.inc({ kind: entity.kind, reason: why.split(':')[0] });
      await followUp('alert.evaluate', { payload: { analysisId }, priority: 'stat' });
    };
    if (entity.status === 'failed') return;
    if (entity.status === 'succeeded') {
      const objects = await deps.results.forAnalysis(analysisId);
      if (objects.length > 0) return followUps(deps, entity, stat, objects);
      // succeeded, but died before its objects were stored: run again to make them (same UIDs)
    }
    if (entity.status === 'running') {
      // the try before this one never finished: its worker died in the middle (killed, out of memory, crashed)
      const interruptions = await deps.analyses.recordInterruption(analysisId);
      deps.logger.warn({ ...log, interruptions }, 'analysis was cut off by the death of its worker');
      if (interruptions >= MAX_ANALYSIS_INTERRUPTIONS) {
        const why = `WorkerDiedError: the analysis stopped its worker ${interruptions} times; not tried again`;
        await giveUp(deps, entity, why);
        await statFailure(why);
        return;
      }
    }
    if (entity.status !== 'succeeded') await deps.analyses.markRunning(analysisId);
    const started = performance.now();
    try {
      const analysis = deps.registry.get(entity.kind);
      // a study-level analysis names its series and their roles; a series-level one has its one series
      const inputs = entity.inputSeries ?? [{ SeriesInstanceUID: entity.SeriesInstanceUID, role: undefined }];
      const series = [];
      for (const s of inputs) {
        const instances = await deps.index.seriesInstances(s.SeriesInstanceUID);
        series.push({ SeriesInstanceUID: s.SeriesInstanceUID, role: s.role, paths: instances.map((i) => join(deps.config.dataDir, i.path)) });
      }
      const run = await analysis.run({ StudyInstanceUID: entity.StudyInstanceUID, series, uidSeed: analysisId });
      await deps.analyses.markSucceeded(analysisId, run.result as unknown as Record<string, unknown>);
      deps.metrics.analyses.inc({ kind: entity.kind, status: 'succeeded' });
      deps.metrics.analysisSeconds.observe({ kind: entity.kind }, (performance.now() - started) / 1000);
      deps.logger.info({ ...log, seconds: (performance.now() - started) / 1000 }, 'analysis succeeded');
      // the stroke team waits for the numbers, not for the DICOM objects; a routine alert waits for them, so that its
      // card shows the analysis's key image (the follow-ups below evaluate it either way, once)
      if (stat) await followUp('alert.evaluate', { payload: { analysisId }, priority: priorityOf(stat) });
      const objects = await run.buildObjects().catch((error: Error) => {
        if (permanentReason(error) === null) throw new ResultObjectsError(error);
        deps.logger.error({ ...log, err: { type: error.name, message: error.message } }, 'result objects could not be made; the numbers stand');
        return [];
      });
      for (const o of objects) {
        const path = deps.files.write(analysisId, o.kind, o.SOPInstanceUID, o.bytes);
        await deps.resultIndex?.record(entity.StudyInstanceUID, o, path);
        await deps.results.recordOnce({
          SOPInstanceUID: o.SOPInstanceUID,
          analysisId,
          kind: o.kind,
          SOPClassUID: o.SOPClassUID,
          SeriesInstanceUID: o.SeriesInstanceUID,
          path,
        });
      }
      deps.logger.info({ ...log, objects: objects.length }, 'result objects stored');
      return followUps(deps, entity, stat, objects);
    } catch (error) {
      if (error instanceof ResultObjectsError) throw error.cause; // numbers stored; retry makes the objects
      const e = error as Error;
      const reason = permanentReason(error);
      const failed = async (why: string) => {
        await deps.analyses.markFailed(analysisId, why);
        deps.metrics.analyses.inc({ kind: entity.kind, status: 'failed' });
        await statFailure(why);
      };
      if (reason !== null) {
        await failed(reason);
        deps.logger.warn({ ...log, reason }, 'analysis failed');
        return;
      }
      // transient (I/O, runtime): back to the queue; Bull retries with backoff, the last try records the failure
      if (attempt >= Number(DEFAULT_JOB_OPTIONS.attempts)) {
        const why = `${e.name}: ${e.message}`;
        await giveUp(deps, entity, why);
        await statFailure(why);
      } else await deps.analyses.markQueued(analysisId);
      throw error;
    }
  };
}

/** An analysis that will not be tried again for a reason of ours: failed with that reason, counted, told to operations. */
async function giveUp(deps: AnalysisRunDeps, entity: AnalysisEntity, reason: string): Promise<void> {
  await deps.analyses.markFailed(entity.id, reason);
  deps.metrics.analyses.inc({ kind: entity.kind, status: 'failed' });
  deps.logger.error({ analysisId: entity.id, kind: entity.kind, reason }, 'analysis given up');
  await deps.operations?.notify('analysis.failed', {
    analysisId: entity.id,
    kind: entity.kind,
    StudyInstanceUID: entity.StudyInstanceUID,
    SeriesInstanceUID: entity.SeriesInstanceUID,
    attempts: entity.attempts,
    error: reason,
  });
}

/** Making the result objects failed for a passing reason after the numbers were stored. */
class ResultObjectsError extends Error {
  override name = 'ResultObjectsError';
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}
