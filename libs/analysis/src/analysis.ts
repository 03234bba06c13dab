import type { Route } from '@nidus/config';
import type { DicomDataset } from '@nidus/dicom';
import type { InferenceEngine } from '@nidus/inference';
import type { AnalysisResult, ProducingModel } from './analysis-result';
import type { ResultView } from './result-view';
import type { ResultObject } from './result-object';
import type { SeriesSummary } from './series-summary';

/** Whether an analysis can take a series, and if not, why (shown when a route sends it one it cannot). */
export type Acceptance = { accepted: true } | { accepted: false; reason: string };

/** The files of one series an analysis runs on. */
export interface AnalysisInputSeries {
  SeriesInstanceUID: string;
  /** for a study-level analysis: the role the series plays (one of StudyRoles.roles) */
  role?: string;
  /** absolute paths of its Part 10 files */
  paths: string[];
}

export interface AnalysisInput {
  StudyInstanceUID: string;
  /** one series for a series-level analysis; the study's series for a study-level one */
  series: AnalysisInputSeries[];
  /** stable per analysis run (its id): the same seed makes the same result UIDs, so a re-run adds no duplicates */
  uidSeed?: string;
  onProgress?: (stage: string, fraction: number) => void;
}

/**
 * What a study-level analysis consumes: series of one study in named roles (e.g. MR stroke's diffusion and
 * perfusion). The study is ready for it once `complete` holds for the roles present among its complete series, or
 * `waitSeconds` after `ready` first held (then it runs on what is there). A route may name a series' role itself.
 */
export interface StudyRoles {
  readonly roles: readonly string[];
  /** the role a complete series plays, from its summary and headers; null: none (left out) */
  roleOf(series: SeriesSummary, headers: readonly DicomDataset[]): string | null;
  /** enough to run once the wait is over */
  ready(present: readonly string[]): boolean;
  /** everything it wants: run at once */
  complete(present: readonly string[]): boolean;
  readonly waitSeconds: number;
}

/** What a run has once its numbers are in: the result now, the DICOM objects when asked. */
export interface AnalysisRun<R extends AnalysisResult = AnalysisResult> {
  result: R;
  /** SEG, SR, summary images; built after the result is stored, because the stroke team waits for numbers, not pictures */
  buildObjects(): Promise<ResultObject[]>;
}

/**
 * One analysis: CT perfusion, each findings model of models/, MR stroke. Everything that differs between
 * analyses lives behind this contract, in the analysis's own folder; the pipeline, alerts, API and review page
 * only call it.
 */
export interface Analysis<R extends AnalysisResult = AnalysisResult> {
  /** the name routes use (`ctp`, a model id) */
  readonly id: string;
  readonly title: string;
  /** changes whenever its output for the same images may change (method version, model version and checksum) */
  readonly version: string;
  /** the model that produces its numbers, if any */
  readonly model: ProducingModel | null;
  /** 'series': runs on one complete series; 'study': on several series of one study */
  readonly level: 'series' | 'study';
  /** a study-level analysis's series roles (level 'study') */
  readonly study?: StudyRoles;
  /** routes that apply when NIDUS_CONFIG names none */
  readonly defaultRoutes: readonly Route[];

  /** Whether it can take this series (a route may still send it one that it refuses, with the reason). */
  accepts(series: SeriesSummary): Acceptance;

  /** Runs on the files; fails with a typed error naming why the input cannot be analysed. */
  run(input: AnalysisInput): Promise<AnalysisRun<R>>;

  /** What an alert and the review page show of a result: its fields, one summary line, a key image. */
  view(result: R): ResultView;

  /** Releases what it holds (model sessions). */
  close?(): Promise<void>;
}

/** What every analysis is built with. */
export interface AnalysisEnvironment {
  /** Nidus's version: SoftwareVersions of result objects */
  nidusVersion: string;
  /** the models and onnxruntime sessions of this process */
  inference: InferenceEngine;
  /** root of result UIDs */
  uidRoot?: string;
}

/**
 * What identifies the output an analysis gives for the same images: its version and its model's version and
 * checksum. Part of every run's input key, so a new version runs again and an unchanged one does not.
 */
export function analysisIdentity(analysis: Pick<Analysis, 'id' | 'version' | 'model'>): string {
  const model = analysis.model ? ` ${analysis.model.id}@${analysis.model.version}#${analysis.model.sha256}` : '';
  return `${analysis.id}@${analysis.version}${model}`;
}
