import { createHash } from 'node:crypto';
import type { Route } from '@nidus/config';
import type { DicomDataset } from '@nidus/dicom';
import { Plan4D, readHeader } from '@nidus/imaging';
import type { Logger } from '@nidus/observability';
import type { AnalysisEntity, InstanceEntity, NewAnalysis, SeriesEntity } from '@nidus/persistence';
import type { FollowUps, JobPayloads } from '@nidus/jobs';
import { routesFor, stableAfterSeconds } from './routing';
import { analysisIdentity, type AnalysisRegistry, type SeriesSummary } from '@nidus/analysis';
import { layoutOf, summarizeSeries } from './series-summary';
import { completesWithEachImage } from './single-image';
import { studyChecks } from './study-completion';

/** The index, as completion uses it: StudyIndexRepository fits. */
export interface CompletionIndex {
  findSeries(SeriesInstanceUID: string): Promise<SeriesEntity | null>;
  seriesInstances(SeriesInstanceUID: string): Promise<InstanceEntity[]>;
  markSeriesComplete(SeriesInstanceUID: string, seenCount: number): Promise<boolean>;
}

/** AnalysisRepository fits. */
export interface AnalysisCreator {
  createOnce(input: NewAnalysis): Promise<{ analysis: AnalysisEntity; created: boolean }>;
  markFailed(id: string, error: string): Promise<void>;
}

export interface SeriesCompletionOptions {
  routes: readonly Route[];
  stableAfterSeconds: number;
  /** absolute path of an indexed instance file (InstanceFileStore.absolutePath) */
  instancePath: (relativePath: string) => string;
  /** the installed analyses (AnalysisRegistry fits) */
  analyses: Pick<AnalysisRegistry, 'get'>;
  now?: () => number;
  logger?: Logger;
}

export type CompletionReason = 'announced-count' | 'full-grid' | 'single-image' | 'quiet';

/**
 * Identity of an analysis input: the analysis with its version and model (analysisIdentity), and the sorted
 * SOPInstanceUIDs. The same images never make a second run of the same version; one more image, or a new
 * version of the analysis or its model, makes a new one.
 */
export function analysisInputKey(identity: string, SOPInstanceUIDs: readonly string[], revision = 0): string {
  // a revision (an unreadable image replaced by an intact one) is other input, though the UIDs are the same
  return createHash('sha256')
    .update([identity, ...[...SOPInstanceUIDs].sort(), ...(revision > 0 ? [`revision:${revision}`] : [])].join('\n'))
    .digest('hex');
}

/**
 * A perfusion grid is full when every (time point, slice) slot holds an image, there are as many time
 * points as NumberOfTemporalPositions says, and the images came time point after time point (the last
 * time point began after the first ended): with slice-by-slice arrival the slice count is not known early.
 */
export function gridIsFull(layout: Plan4D | undefined, headers: readonly DicomDataset[], instances: readonly Pick<InstanceEntity, 'receivedAt'>[]): boolean {
  if (!layout || layout.timePoints < 2 || layout.slices < 1) return false;
  const announced = headers[0]?.number('NumberOfTemporalPositions');
  if (!announced || announced !== layout.timePoints || layout.timePoints * layout.slices !== headers.length) return false;
  const at = (t: number) => layout.source[t].map((i) => instances[i].receivedAt.getTime());
  return Math.max(...at(0)) <= Math.min(...at(layout.timePoints - 1));
}

/**
 * What the `series.check-complete` job does: decides whether a series is complete (quiet period, announced
 * count, or full perfusion grid), marks it so, routes it, and creates each analysis it is routed to once.
 */
export class SeriesCompletion {
  constructor(
    private readonly index: CompletionIndex,
    private readonly analyses: AnalysisCreator,
    private readonly options: SeriesCompletionOptions,
  ) {}

  async handle(payload: JobPayloads['series.check-complete']): Promise<FollowUps> {
    const series = await this.index.findSeries(payload.SeriesInstanceUID);
    // overtaken by later instances (their own check will come), or done already
    if (!series || series.instanceCount !== payload.instanceCount || series.state === 'complete' || (series.revision ?? 0) !== (payload.revision ?? 0))
      return {};
    const instances = await this.index.seriesInstances(series.SeriesInstanceUID);
    if (instances.length !== series.instanceCount) return {};
    const headers = instances.map((i) => readHeader(this.options.instancePath(i.path)));
    const layout = layoutOf(headers);
    const summary = summarizeSeries(series, headers, layout);
    const reason = this.completionReason(series, summary, headers, instances, layout);
    if (!reason) return {};
    if (!(await this.index.markSeriesComplete(series.SeriesInstanceUID, series.instanceCount))) return {};
    const routes = routesFor(summary, this.options.routes);
    this.options.logger?.info(
      {
        SeriesInstanceUID: series.SeriesInstanceUID,
        instances: series.instanceCount,
        reason,
        routes: routes.map((r) => r.name),
        slices: summary.slices,
        timePoints: summary.timePoints,
      },
      'series complete',
    );
    const runs: NonNullable<FollowUps['analysis.run']> = [];
    const studyRuns: NonNullable<FollowUps['study.check-complete']> = [];
    for (const route of routes) {
      const analysis = this.options.analyses.get(route.analysis);
      if (analysis.level === 'study' && analysis.study) {
        // a study-level analysis runs on several series: the study check decides when (libs/series/src/study-completion.ts)
        studyRuns.push(...studyChecks(series, analysis, route.priority, route.waitSeconds));
        continue;
      }
      const { analysis: run, created } = await this.analyses.createOnce({
        inputKey: analysisInputKey(
          analysisIdentity(analysis),
          instances.map((i) => i.SOPInstanceUID),
          series.revision ?? 0,
        ),
        StudyInstanceUID: series.StudyInstanceUID,
        SeriesInstanceUID: series.SeriesInstanceUID,
        kind: analysis.id,
        analysisVersion: analysis.version,
        modelId: analysis.model?.id ?? null,
        modelVersion: analysis.model?.version ?? null,
        modelSha256: analysis.model?.sha256 ?? null,
        priority: route.priority,
        instanceCount: series.instanceCount,
      });
      if (!created) continue;
      const acceptance = analysis.accepts(summary);
      if (!acceptance.accepted) {
        // routed here, but not something it can take: a failure with its reason, visible in the API
        await this.analyses.markFailed(run.id, `SeriesNotAcceptedError: ${acceptance.reason}`);
        this.options.logger?.warn(
          { analysisId: run.id, kind: analysis.id, route: route.name, reason: acceptance.reason },
          'series not accepted by the analysis it was routed to',
        );
        continue;
      }
      runs.push({ payload: { analysisId: run.id }, priority: route.priority });
    }
    return { ...(runs.length ? { 'analysis.run': runs } : {}), ...(studyRuns.length ? { 'study.check-complete': studyRuns } : {}) };
  }

  private completionReason(
    series: SeriesEntity,
    summary: SeriesSummary,
    headers: readonly DicomDataset[],
    instances: readonly InstanceEntity[],
    layout: Plan4D | undefined,
  ): CompletionReason | undefined {
    if (series.expectedInstanceCount !== null && series.instanceCount >= series.expectedInstanceCount) return 'announced-count';
    if (gridIsFull(layout, headers, instances)) return 'full-grid';
    if (completesWithEachImage(summary)) return 'single-image';
    const stableMs = stableAfterSeconds(summary, this.options.routes, this.options.stableAfterSeconds) * 1000;
    const now = this.options.now?.() ?? Date.now();
    // a little slack: the delayed job may fire a few ms before the period has passed by this clock
    if (now - series.lastReceivedAt.getTime() >= stableMs - 100) return 'quiet';
    return undefined;
  }
}
