import type { Route } from '@nidus/config';
import { analysisIdentity, type Analysis, type AnalysisRegistry } from '@nidus/analysis';
import { readHeader } from '@nidus/imaging';
import type { FollowUps, JobPayloads } from '@nidus/jobs';
import type { Logger } from '@nidus/observability';
import type { AnalysisEntity, InstanceEntity, NewAnalysis, SeriesEntity } from '@nidus/persistence';
import { routesFor } from './routing';
import { analysisInputKey } from './series-completion';
import { summarizeSeries } from './series-summary';

/** The index, as study completion uses it: StudyIndexRepository fits. */
export interface StudyCompletionIndex {
  studySeries(StudyInstanceUID: string): Promise<SeriesEntity[]>;
  seriesInstances(SeriesInstanceUID: string): Promise<InstanceEntity[]>;
}

export interface StudyCompletionOptions {
  routes: readonly Route[];
  instancePath: (relativePath: string) => string;
  analyses: Pick<AnalysisRegistry, 'get'>;
  logger?: Logger;
}

/** A complete series of the study in the role it plays for one analysis. */
export interface RoledSeries {
  SeriesInstanceUID: string;
  role: string;
  instances: InstanceEntity[];
  priority: 'stat' | 'routine';
}

/**
 * The follow-ups a complete series gives a study-level analysis it was routed to: a check now, and one when its wait
 * is over. Job ids derive from payloads: the series in the payload makes each completion's checks its own.
 */
export function studyChecks(
  series: { StudyInstanceUID: string; SeriesInstanceUID: string },
  analysis: Pick<Analysis, 'id' | 'study'>,
  priority: 'stat' | 'routine',
  waitSeconds = analysis.study?.waitSeconds ?? 0,
): NonNullable<FollowUps['study.check-complete']> {
  const { StudyInstanceUID, SeriesInstanceUID } = series;
  const payload = (deadline: boolean) => ({ StudyInstanceUID, analysis: analysis.id, deadline, SeriesInstanceUID });
  return [
    { payload: payload(false), priority },
    { payload: payload(true), priority, delayMs: waitSeconds * 1000 },
  ];
}

/**
 * What the `study.check-complete` job does for a study-level analysis (Analysis.study): takes the study's complete
 * series that a route sends to it, gives each its role (the route's `role`, else the analysis's recognition from the
 * headers), and creates the run once the roles are complete, or, at the deadline, once they are ready. The run's
 * input key is over every image of those series, so the same series never run twice, and a series that completes
 * after a run on fewer makes a new one (which supersedes it).
 */
export class StudyCompletion {
  constructor(
    private readonly index: StudyCompletionIndex,
    private readonly analyses: { createOnce(input: NewAnalysis): Promise<{ analysis: AnalysisEntity; created: boolean }> },
    private readonly options: StudyCompletionOptions,
  ) {}

  async roledSeries(StudyInstanceUID: string, analysis: Analysis): Promise<RoledSeries[]> {
    const out: RoledSeries[] = [];
    for (const series of await this.index.studySeries(StudyInstanceUID)) {
      if (series.state !== 'complete') continue;
      const instances = await this.index.seriesInstances(series.SeriesInstanceUID);
      const headers = instances.map((i) => readHeader(this.options.instancePath(i.path)));
      const summary = summarizeSeries(series, headers);
      const route = routesFor(summary, this.options.routes).find((r) => r.analysis === analysis.id);
      if (!route || !analysis.accepts(summary).accepted) continue;
      const role = route.role ?? analysis.study!.roleOf(summary, headers);
      if (role && analysis.study!.roles.includes(role)) out.push({ SeriesInstanceUID: series.SeriesInstanceUID, role, instances, priority: route.priority });
    }
    return out;
  }

  async handle(payload: JobPayloads['study.check-complete']): Promise<FollowUps> {
    const analysis = this.options.analyses.get(payload.analysis);
    if (analysis.level !== 'study' || !analysis.study) return {};
    const series = await this.roledSeries(payload.StudyInstanceUID, analysis);
    const present = [...new Set(series.map((s) => s.role))];
    const complete = analysis.study.complete(present);
    const go = complete || (payload.deadline && analysis.study.ready(present));
    this.options.logger?.info(
      { StudyInstanceUID: payload.StudyInstanceUID, analysis: analysis.id, roles: present, complete, deadline: payload.deadline, run: go },
      'study check',
    );
    if (!go || series.length === 0) return {};
    const primaryRole = analysis.study.roles.find((r) => present.includes(r));
    const primary = series.find((s) => s.role === primaryRole) ?? series[0];
    const priority = series.some((s) => s.priority === 'stat') ? 'stat' : 'routine';
    const { analysis: run, created } = await this.analyses.createOnce({
      inputKey: analysisInputKey(
        analysisIdentity(analysis),
        series.flatMap((s) => s.instances.map((i) => i.SOPInstanceUID)),
      ),
      StudyInstanceUID: payload.StudyInstanceUID,
      SeriesInstanceUID: primary.SeriesInstanceUID,
      kind: analysis.id,
      analysisVersion: analysis.version,
      modelId: analysis.model?.id ?? null,
      modelVersion: analysis.model?.version ?? null,
      modelSha256: analysis.model?.sha256 ?? null,
      priority,
      instanceCount: series.reduce((n, s) => n + s.instances.length, 0),
      inputSeries: series.map((s) => ({ SeriesInstanceUID: s.SeriesInstanceUID, role: s.role })),
    });
    return created ? { 'analysis.run': [{ payload: { analysisId: run.id }, priority }] } : {};
  }
}
