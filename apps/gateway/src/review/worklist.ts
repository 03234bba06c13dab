import type { AnalysisEntity, SeriesEntity, StudyEntity } from '@nidus/persistence';

/** Where a study stands, as the worklist shows it. */
export type WorklistStatus = 'receiving' | 'queued' | 'running' | 'done' | 'failed';
export const WORKLIST_STATUSES: readonly WorklistStatus[] = ['receiving', 'queued', 'running', 'done', 'failed'];

export interface WorklistAnalysis {
  id: string;
  kind: string;
  title: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  priority: 'stat' | 'routine';
  /** the one summary line of its result (Analysis.view), or why it failed */
  headline: string | null;
  error: string | null;
  queuedAt: string;
  finishedAt: string | null;
}

export interface WorklistRow {
  StudyInstanceUID: string;
  PatientName: string | null;
  PatientID: string | null;
  AccessionNumber: string | null;
  StudyDate: string | null;
  StudyDescription: string | null;
  /** of the images received (not of Nidus's results) */
  modalities: string[];
  lastReceivedAt: string;
  status: WorklistStatus;
  /** the reason when failed */
  reason: string | null;
  stat: boolean;
  reviewed: boolean;
  analyses: WorklistAnalysis[];
}

export interface WorklistFilter {
  status?: WorklistStatus;
  modality?: string;
  reviewed?: boolean;
  stat?: boolean;
  /** part of the patient's name or ID, the accession number or the description */
  text?: string;
}

/** The newest run of each analysis of each series: earlier runs were superseded by re-analysis. */
export function latestRuns(analyses: readonly AnalysisEntity[]): AnalysisEntity[] {
  const latest = new Map<string, AnalysisEntity>();
  for (const a of analyses) {
    const key = `${a.SeriesInstanceUID} ${a.kind}`;
    const seen = latest.get(key);
    if (!seen || a.queuedAt.getTime() >= seen.queuedAt.getTime()) latest.set(key, a);
  }
  return [...latest.values()];
}

/** Receiving while any source series is; then running, queued, failed (with the first reason), done. */
export function studyStatus(
  series: readonly SeriesEntity[],
  latest: readonly Pick<AnalysisEntity, 'status' | 'error'>[],
): { status: WorklistStatus; reason: string | null } {
  if (series.some((s) => s.state === 'receiving')) return { status: 'receiving', reason: null };
  if (latest.some((a) => a.status === 'running')) return { status: 'running', reason: null };
  if (latest.some((a) => a.status === 'queued')) return { status: 'queued', reason: null };
  const failed = latest.find((a) => a.status === 'failed');
  if (failed) return { status: 'failed', reason: failed.error ?? 'failed' };
  return { status: 'done', reason: null };
}

export function worklistRow(
  study: StudyEntity,
  sourceSeries: readonly SeriesEntity[],
  analyses: readonly WorklistAnalysis[],
  latest: readonly AnalysisEntity[],
  reviewed: boolean,
): WorklistRow {
  const { status, reason } = studyStatus(sourceSeries, latest);
  return {
    StudyInstanceUID: study.StudyInstanceUID,
    PatientName: study.PatientName,
    PatientID: study.PatientID,
    AccessionNumber: study.AccessionNumber,
    StudyDate: study.StudyDate,
    StudyDescription: study.StudyDescription,
    modalities: [...new Set(sourceSeries.map((s) => s.Modality).filter((m): m is string => !!m))].sort(),
    lastReceivedAt: study.lastReceivedAt.toISOString(),
    status,
    reason,
    stat: latest.some((a) => a.priority === 'stat'),
    reviewed,
    analyses: [...analyses],
  };
}

/** Stat studies first, then the newest (last image received) first. */
export function orderWorklist(rows: readonly WorklistRow[]): WorklistRow[] {
  return [...rows].sort(
    (a, b) => Number(b.stat) - Number(a.stat) || b.lastReceivedAt.localeCompare(a.lastReceivedAt) || a.StudyInstanceUID.localeCompare(b.StudyInstanceUID),
  );
}

export function filterWorklist(rows: readonly WorklistRow[], f: WorklistFilter): WorklistRow[] {
  const text = f.text?.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.status === undefined || r.status === f.status) &&
      (f.modality === undefined || r.modalities.includes(f.modality.toUpperCase())) &&
      (f.reviewed === undefined || r.reviewed === f.reviewed) &&
      (f.stat === undefined || r.stat === f.stat) &&
      (!text || [r.PatientName, r.PatientID, r.AccessionNumber, r.StudyDescription].some((v) => v?.toLowerCase().includes(text))),
  );
}
