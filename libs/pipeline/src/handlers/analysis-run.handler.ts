import { join } from 'node:path';
import type { NidusConfig } from '@nidus/config';
import { DicomError } from '@nidus/dicom';
import type { Logger, Metrics } from '@nidus/observability';
import { PerfusionError } from '@nidus/perfusion';
import { AnalysisRepository, ResultFileStore, ResultObjectRepository, StudyIndexRepository } from '@nidus/persistence';
import { InferenceEngine, runCtpAnalysis } from '../analysis/ctp-runner';
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

/** What follows a finished analysis: each result object to each delivery target, and the alert check. */
async function followUps(deps: AnalysisRunDeps, analysisId: string, stat: boolean): Promise<FollowUps> {
  const priority = stat ? ('stat' as const) : ('routine' as const);
  const objects = await deps.results.forAnalysis(analysisId);
  return {
    'results.deliver': deps.config.delivery.targets.flatMap((target) =>
      objects.map((o) => ({ payload: { analysisId, SOPInstanceUID: o.SOPInstanceUID, targetId: target.id }, priority })),
    ),
    'alert.evaluate': [{ payload: { analysisId }, priority }],
  };
}

/**
 * Runs one analysis. Safe to run again after a crash: result UIDs derive from the analysis id, objects are
 * recorded once, and a finished analysis only re-issues its follow-ups (which are themselves idempotent).
 */
export function analysisRunHandler(deps: AnalysisRunDeps): JobHandler<'analysis.run'> {
  return async ({ analysisId }, { attempt }) => {
    const analysis = await deps.analyses.findById(analysisId);
    if (!analysis) {
      deps.logger.error({ analysisId }, 'analysis.run for an unknown analysis: dropped');
      return;
    }
    const log = { analysisId, kind: analysis.kind, StudyInstanceUID: analysis.StudyInstanceUID, SeriesInstanceUID: analysis.SeriesInstanceUID };
    if (analysis.status === 'succeeded') return followUps(deps, analysisId, analysis.priority === 'stat');
    if (analysis.status === 'failed') return;
    await deps.analyses.markRunning(analysisId);
    const started = performance.now();
    try {
      if (analysis.kind !== 'ctp') throw new UnknownAnalysisError(analysis.kind);
      const instances = await deps.index.seriesInstances(analysis.SeriesInstanceUID);
      const output = await runCtpAnalysis(
        instances.map((i) => join(deps.config.dataDir, i.path)),
        deps.engine,
        { version: deps.version, withObjects: true, uidRoot: deps.config.uidRoot, uidSeed: analysisId, SeriesInstanceUID: analysis.SeriesInstanceUID },
      );
      for (const o of output.objects) {
        const path = deps.files.write(analysisId, o.kind, o.SOPInstanceUID, o.bytes);
        await deps.results.recordOnce({ SOPInstanceUID: o.SOPInstanceUID, analysisId, kind: o.kind, SOPClassUID: o.SOPClassUID, SeriesInstanceUID: o.SeriesInstanceUID, path });
      }
      await deps.analyses.markSucceeded(analysisId, output.contract as unknown as Record<string, unknown>);
      deps.metrics.analyses.inc({ kind: analysis.kind, status: 'succeeded' });
      deps.metrics.analysisSeconds.observe({ kind: analysis.kind }, (performance.now() - started) / 1000);
      deps.logger.info({ ...log, objects: output.objects.length, seconds: (performance.now() - started) / 1000 }, 'analysis succeeded');
      return followUps(deps, analysisId, analysis.priority === 'stat');
    } catch (error) {
      const e = error as Error;
      if (isPermanent(error) || error instanceof UnknownAnalysisError) {
        await deps.analyses.markFailed(analysisId, `${e.name}: ${e.message}`);
        deps.metrics.analyses.inc({ kind: analysis.kind, status: 'failed' });
        deps.logger.warn({ ...log, err: { type: e.name, message: e.message } }, 'analysis failed');
        return;
      }
      // transient (I/O, runtime): back to the queue; Bull retries with backoff, the last try records the failure
      await (attempt >= Number(DEFAULT_JOB_OPTIONS.attempts) ? deps.analyses.markFailed(analysisId, `${e.name}: ${e.message}`) : deps.analyses.markQueued(analysisId));
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
