import { createHash } from 'node:crypto';
import type { Route } from '@nidus/config';
import type { DicomDataset } from '@nidus/dicom';
import { Plan4D, readHeader } from '@nidus/imaging';
import type { Logger } from '@nidus/observability';
import type { AnalysisEntity, InstanceEntity, NewAnalysis, SeriesEntity } from '@nidus/persistence';
import type { JobPayloads } from '../jobs/job-names';
import type { FollowUps } from '../jobs/job-runner';
import { routeSeries, stableAfterSeconds } from './routing';
import { layoutOf, SeriesSummary, summarizeSeries } from './series-summary';

/** The index, as completion uses it: StudyIndexRepository fits. */
export interface CompletionIndex {
  findSeries(SeriesInstanceUID: string): Promise<SeriesEntity | null>;
  seriesInstances(SeriesInstanceUID: string): Promise<InstanceEntity[]>;
  markSeriesComplete(SeriesInstanceUID: string, seenCount: number): Promise<boolean>;
}

/** AnalysisRepository fits. */
export interface AnalysisCreator {
  createOnce(input: NewAnalysis): Promise<{ analysis: AnalysisEntity; created: boolean }>;
}

export interface SeriesCompletionOptions {
  routes: readonly Route[];
  stableAfterSeconds: number;
  /** absolute path of an indexed instance file (InstanceFileStore.absolutePath) */
  instancePath: (relativePath: string) => string;
  /** the version of a model id, when known, so a new model version is new input */
  modelVersion?: (analysis: string) => string | undefined;
  now?: () => number;
  logger?: Logger;
}

export type CompletionReason = 'announced-count' | 'full-grid' | 'quiet';

/**
 * Identity of an analysis input: kind, model version and the sorted SOPInstanceUIDs. The same images
 * never make a second analysis; one more image makes a new one.
 */
export function analysisInputKey(kind: string, modelVersion: string | undefined, SOPInstanceUIDs: readonly string[]): string {
  return createHash('sha256')
    .update([kind, modelVersion ?? '', ...[...SOPInstanceUIDs].sort()].join('\n'))
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
 * The `series.check-complete` job: decides whether a series is complete (quiet period, announced count,
 * or full perfusion grid), marks it so, routes it, and creates its analysis once.
 */
export class SeriesCompletionHandler {
  constructor(
    private readonly index: CompletionIndex,
    private readonly analyses: AnalysisCreator,
    private readonly options: SeriesCompletionOptions,
  ) {}

  async handle(payload: JobPayloads['series.check-complete']): Promise<FollowUps> {
    const series = await this.index.findSeries(payload.SeriesInstanceUID);
    // overtaken by later instances (their own check will come), or done already
    if (!series || series.instanceCount !== payload.instanceCount || series.state === 'complete') return {};
    const instances = await this.index.seriesInstances(series.SeriesInstanceUID);
    if (instances.length !== series.instanceCount) return {};
    const headers = instances.map((i) => readHeader(this.options.instancePath(i.path)));
    const layout = layoutOf(headers);
    const summary = summarizeSeries(series, headers, layout);
    const reason = this.completionReason(series, summary, headers, instances, layout);
    if (!reason) return {};
    if (!(await this.index.markSeriesComplete(series.SeriesInstanceUID, series.instanceCount))) return {};
    const route = routeSeries(summary, this.options.routes);
    this.options.logger?.info(
      {
        SeriesInstanceUID: series.SeriesInstanceUID,
        instances: series.instanceCount,
        reason,
        route: route?.name ?? null,
        slices: summary.slices,
        timePoints: summary.timePoints,
      },
      'series complete',
    );
    if (!route) return {};
    const modelVersion = this.options.modelVersion?.(route.analysis);
    const { analysis, created } = await this.analyses.createOnce({
      inputKey: analysisInputKey(
        route.analysis,
        modelVersion,
        instances.map((i) => i.SOPInstanceUID),
      ),
      StudyInstanceUID: series.StudyInstanceUID,
      SeriesInstanceUID: series.SeriesInstanceUID,
      kind: route.analysis,
      modelId: route.analysis === 'ctp' ? null : route.analysis,
      modelVersion: modelVersion ?? null,
      priority: route.priority,
      instanceCount: series.instanceCount,
    });
    if (!created) return {};
    return { 'analysis.run': [{ payload: { analysisId: analysis.id }, priority: route.priority }] };
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
    const stableMs = stableAfterSeconds(summary, this.options.routes, this.options.stableAfterSeconds) * 1000;
    const now = this.options.now?.() ?? Date.now();
    // a little slack: the delayed job may fire a few ms before the period has passed by this clock
    if (now - series.lastReceivedAt.getTime() >= stableMs - 100) return 'quiet';
    return undefined;
  }
}
