import { join } from 'node:path';
import type { NidusConfig } from '@nidus/config';
import { DicomError } from '@nidus/dicom';
import type { Logger, Metrics } from '@nidus/observability';
import { PerfusionError } from '@nidus/perfusion';
import { AnalysisRepository, ResultFileStore, ResultObjectRepository, StudyIndexRepository } from '@nidus/persistence';
import { analyzeCtp, InferenceEngine } from '../analysis/ctp-runner';
import { DEFAULT_JOB_OPTIONS } from '../jobs/job-queue.repository';
import { FollowUps, JobHandler } from '../jobs/job-runner';

export interface AnalysisRunDeps {
  config: NidusConfig;
  logger: Logger;
  metrics: Metrics;
  analyses: AnalysisRepository;
  index: StudyIndexRepository;
  results: ResultObjectRepository;
  files: ResultFileStore;
  engine: InferenceEngine;
  version: string;
}

/** Errors that say the input cannot be analysed: recorded as the analysis's failure, not retried. */
function isPermanent(error: unknown): boolean {
  return error instanceof PerfusionError || error instanceof DicomError;
}

const priorityOf = (stat: boolean) => (stat ? ('stat' as const) : ('routine' as const));

/** What follows a finished analysis: the alert check, and each result object to each delivery target. */
function followUps(deps: AnalysisRunDeps, analysisId: string, stat: boolean, objects: readonly { SOPInstanceUID: string }[]): FollowUps {
  const priority = priorityOf(stat);
  return {
    'alert.evaluate': [{ payload: { analysisId }, priority }],
    'results.deliver': deps.config.delivery.targets.flatMap((target) =>
      objects.map((o) => ({ payload: { analysisId, SOPInstanceUID: o.SOPInstanceUID, targetId: target.id }, priority })),
    ),
  };
}

/**
 * Runs one analysis: the numbers are stored and the alert check queued first, then the result objects are
 * built, stored and queued for delivery. Safe to run again after a crash: result UIDs derive from the
 * analysis id, objects are recorded once, alerts are one per analysis, and a finished analysis with its
 * objects only re-issues its follow-ups (themselves idempotent).
 */
export function analysisRunHandler(deps: AnalysisRunDeps): JobHandler<'analysis.run'> {
  return async ({ analysisId }, { attempt, followUp }) => {
    const analysis = await deps.analyses.findById(analysisId);
    if (!analysis) {
      deps.logger.error({ analysisId }, 'analysis.run for an unknown analysis: dropped');
      return;
    }
    const log = { analysisId, kind: analysis.kind, StudyInstanceUID: analysis.StudyInstanceUID, SeriesInstanceUID: analysis.SeriesInstanceUID };
    const stat = analysis.priority === 'stat';
    if (analysis.status === 'failed') return;
    if (analysis.status === 'succeeded') {
      const objects = await deps.results.forAnalysis(analysisId);
      if (objects.length > 0) return followUps(deps, analysisId, stat, objects);
      // succeeded, but died before its objects were stored: run again to make them (same UIDs)
    }
    if (analysis.status !== 'succeeded') await deps.analyses.markRunning(analysisId);
    const started = performance.now();
    try {
      if (analysis.kind !== 'ctp') throw new UnknownAnalysisError(analysis.kind);
      const instances = await deps.index.seriesInstances(analysis.SeriesInstanceUID);
      const analysed = await analyzeCtp(
        instances.map((i) => join(deps.config.dataDir, i.path)),
        deps.engine,
        { version: deps.version, uidRoot: deps.config.uidRoot, uidSeed: analysisId, SeriesInstanceUID: analysis.SeriesInstanceUID },
      );
      await deps.analyses.markSucceeded(analysisId, analysed.contract as unknown as Record<string, unknown>);
      deps.metrics.analyses.inc({ kind: analysis.kind, status: 'succeeded' });
      deps.metrics.analysisSeconds.observe({ kind: analysis.kind }, (performance.now() - started) / 1000);
      deps.logger.info({ ...log, seconds: (performance.now() - started) / 1000 }, 'analysis succeeded');
      // the stroke team waits for the numbers, not for the DICOM objects
      await followUp('alert.evaluate', { payload: { analysisId }, priority: priorityOf(stat) });
      const objects = await analysed.buildObjects().catch((error: Error) => {
        if (!isPermanent(error)) throw new ResultObjectsError(error);
        deps.logger.error({ ...log, err: { type: error.name, message: error.message } }, 'result objects could not be made; the numbers stand');
        return [];
      });
      for (const o of objects) {
        const path = deps.files.write(analysisId, o.kind, o.SOPInstanceUID, o.bytes);
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
      return followUps(deps, analysisId, stat, objects);
    } catch (error) {
      const e = error as Error;
      if (error instanceof ResultObjectsError) throw error.cause; // numbers stored; retry makes the objects
      if (isPermanent(error) || error instanceof UnknownAnalysisError) {
        await deps.analyses.markFailed(analysisId, `${e.name}: ${e.message}`);
        deps.metrics.analyses.inc({ kind: analysis.kind, status: 'failed' });
        deps.logger.warn({ ...log, err: { type: e.name, message: e.message } }, 'analysis failed');
        return;
      }
      // transient (I/O, runtime): back to the queue; Bull retries with backoff, the last try records the failure
      await (attempt >= Number(DEFAULT_JOB_OPTIONS.attempts)
        ? deps.analyses.markFailed(analysisId, `${e.name}: ${e.message}`)
        : deps.analyses.markQueued(analysisId));
      throw error;
    }
  };
}

/** An analysis kind with no implementation (a route naming a model that is not installed). */
export class UnknownAnalysisError extends Error {
  override name = 'UnknownAnalysisError';
  constructor(kind: string) {
    super(`no analysis named ${kind} is installed`);
  }
}

/** Making the result objects failed for a passing reason after the numbers were stored. */
class ResultObjectsError extends Error {
  override name = 'ResultObjectsError';
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}
