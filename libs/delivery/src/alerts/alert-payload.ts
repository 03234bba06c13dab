import type { AlertLevel, AlertPhiOptions } from '@nidus/config';
import type { AlertEntity, AnalysisEntity, SeriesEntity, StudyEntity } from '@nidus/persistence';
import { resultValue, type ResultView, type ViewField } from '@nidus/analysis';
import type { AlertDecision } from './alert-rules';

/** Version of the JSON an alert webhook receives; bumped on incompatible change. */
export const ALERT_PAYLOAD_SCHEMA = 'nidus.alert/1';

/** What is decided when the alert is raised, and stored with it: the same for every page. */
export interface AlertContent {
  level: AlertLevel;
  team: { id: string; name: string | null };
  rules: string[];
  reasons: string[];
  /** one line for a pager screen; no patient identifiers */
  summary: string;
  /** what the analysis shows of its result: labels, values, units */
  fields: ViewField[];
  analysis: { id: string; kind: string; modelId: string | null; modelVersion: string | null };
  study: {
    StudyInstanceUID: string;
    SeriesInstanceUID: string;
    AccessionNumber?: string | null;
    PatientID?: string | null;
    /** as decoded from the instance's character set (PS3.5 6.1.2), e.g. "Trần^Văn Đức" */
    PatientName?: string | null;
    PatientAge?: string | null;
    PatientSex?: string | null;
  };
  results: Record<string, unknown>;
  warnings: string[];
  /** set when the analysis failed or was refused: the study could not be analysed, and why */
  failure?: { reason: string };
  times: { firstImageAt: string | null; lastImageAt: string | null; analysisDoneAt: string | null };
}

/** What one webhook receives. */
export interface AlertPayload extends Omit<AlertContent, 'times'> {
  schema: typeof ALERT_PAYLOAD_SCHEMA;
  id: string;
  kind: 'alert' | 'update';
  /** for an update after re-analysis: the first alert it revises */
  updatesAlertId: string | null;
  links: { study: string | null; alert: string | null; acknowledge: string | null };
  page: { step: number; steps: number; target: string };
  times: AlertContent['times'] & { alertSentAt: string };
  image?: { mediaType: 'image/png'; width: number; height: number; base64: string };
}

export interface AlertFacts {
  analysis: AnalysisEntity;
  study: StudyEntity | null;
  series: SeriesEntity | null;
  teamName: string | null;
  /** what the analysis shows of this result (Analysis.view) */
  view: ResultView;
  /** result fields the rules look at, reported beside the view's */
  ruleFields: string[][];
}

/** PS3.5 6.2 AS: `nnnY` from birth date and study date, when the study carries no PatientAge. */
export function ageString(PatientBirthDate: string | null | undefined, StudyDate: string | null | undefined): string | null {
  const b = /^(\d{4})(\d{2})(\d{2})$/.exec(PatientBirthDate ?? '');
  const s = /^(\d{4})(\d{2})(\d{2})$/.exec(StudyDate ?? '');
  if (!b || !s) return null;
  const [by, bm, bd] = b.slice(1).map(Number);
  const [sy, sm, sd] = s.slice(1).map(Number);
  const years = sy - by - (sm < bm || (sm === bm && sd < bd) ? 1 : 0);
  return years >= 0 && years < 1000 ? `${String(years).padStart(3, '0')}Y` : null;
}

function round(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 10) / 10 : value;
}

/** Sets a value at a dotted path, making the objects on the way. */
function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
}

/** The numbers of an alert: the view's fields and the fields its rules read, nested by their paths. */
function results(analysis: AnalysisEntity, view: ResultView, ruleFields: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of view.fields) setAt(out, f.key.split('.'), f.value);
  for (const path of ruleFields) {
    const value = resultValue(analysis.result ?? {}, path);
    if (value !== undefined && typeof value !== 'object') setAt(out, path, round(value));
  }
  return out;
}

function summaryLine(level: AlertLevel, kind: 'alert' | 'update', decision: AlertDecision | null, view: ResultView): string {
  const head = kind === 'update' ? (decision ? 'UPDATE after re-analysis' : 'UPDATE after re-analysis: criteria no longer met') : level.toUpperCase();
  return `${head}: ${view.summary}`;
}

/** The content of an alert (or of an update: `decision` null when the re-analysis no longer meets a rule). */
export function alertContent(decision: AlertDecision | null, kind: 'alert' | 'update', teamId: string, facts: AlertFacts, phi: AlertPhiOptions): AlertContent {
  const { analysis, study, series } = facts;
  const level: AlertLevel = decision?.level ?? 'info';
  const values = results(analysis, facts.view, facts.ruleFields);
  const studyFacts: AlertContent['study'] = { StudyInstanceUID: analysis.StudyInstanceUID, SeriesInstanceUID: analysis.SeriesInstanceUID };
  if (phi.accessionNumber) studyFacts.AccessionNumber = study?.AccessionNumber ?? null;
  if (phi.patientId) studyFacts.PatientID = study?.PatientID ?? null;
  if (phi.patientName) studyFacts.PatientName = study?.PatientName ?? null;
  if (phi.patientAge) studyFacts.PatientAge = study?.PatientAge ?? ageString(study?.PatientBirthDate, study?.StudyDate);
  if (phi.patientSex) studyFacts.PatientSex = study?.PatientSex ?? null;
  const warnings = Array.isArray(analysis.result?.warnings) ? (analysis.result!.warnings as unknown[]).map(String).slice(0, 10) : [];
  return {
    level,
    team: { id: teamId, name: facts.teamName },
    rules: decision?.rules ?? [],
    reasons: decision?.reasons ?? [],
    summary: summaryLine(level, kind, decision, facts.view),
    fields: facts.view.fields,
    analysis: { id: analysis.id, kind: analysis.kind, modelId: analysis.modelId, modelVersion: analysis.modelVersion },
    study: studyFacts,
    results: values,
    warnings,
    times: {
      firstImageAt: series?.firstReceivedAt?.toISOString() ?? null,
      lastImageAt: series?.lastReceivedAt?.toISOString() ?? null,
      analysisDoneAt: analysis.finishedAt?.toISOString() ?? null,
    },
  };
}

/** The body of one page of an alert. */
export function alertPayload(
  alert: Pick<AlertEntity, 'id' | 'updatesAlertId' | 'payload'>,
  page: AlertPayload['page'],
  sentAt: Date,
  publicBaseUrl: string | undefined,
  image?: AlertPayload['image'],
  /** the signed, single-use acknowledge token of this page (libs/auth AckLinkSigner) */
  acknowledgeToken?: string,
): AlertPayload {
  const content = alert.payload as unknown as AlertContent;
  const base = publicBaseUrl?.replace(/\/+$/, '');
  return {
    schema: ALERT_PAYLOAD_SCHEMA,
    id: alert.id,
    kind: alert.updatesAlertId ? 'update' : 'alert',
    updatesAlertId: alert.updatesAlertId,
    ...content,
    links: {
      study: base ? `${base}/studies/${encodeURIComponent(content.study.StudyInstanceUID)}` : null,
      // the review page's alert view (fits a phone): key image, numbers, times, acknowledge as the signed-in user
      alert: base ? `${base}/alerts/${encodeURIComponent(alert.id)}` : null,
      // a page acknowledges from a phone without signing in: GET shows what, POST acknowledges (once)
      acknowledge: base && acknowledgeToken ? `${base}/ack/${acknowledgeToken}` : null,
    },
    page,
    times: { ...content.times, alertSentAt: sentAt.toISOString() },
    ...(image ? { image } : {}),
  };
}

/** The content of the alert of a stat analysis that failed or was refused: no numbers, the reason in the one line. */
export function failureAlertContent(
  decision: AlertDecision,
  teamId: string,
  facts: Omit<AlertFacts, 'view' | 'ruleFields'> & { title: string },
  phi: AlertPhiOptions,
): AlertContent {
  const reason = facts.analysis.error ?? 'no reason recorded';
  const view: ResultView = { title: facts.title, summary: `${facts.title} could not be analysed: ${reason}`, fields: [], keyImage: null };
  const content = alertContent(decision, 'alert', teamId, { ...facts, view, ruleFields: [] }, phi);
  return { ...content, results: {}, warnings: [], failure: { reason } };
}
