import type { AlertLevel, AlertPhiOptions } from '@nidus/config';
import type { AlertEntity, AnalysisEntity, SeriesEntity, StudyEntity } from '@nidus/persistence';
import type { AlertDecision } from './alert-rules';
import { valueAt } from './alert-rules';

/** Version of the JSON an alert webhook receives; bumped on incompatible change. */
export const ALERT_PAYLOAD_SCHEMA = 'nidus.alert/1';

/** The perfusion contract's numbers a stroke team acts on (DESIGN.md). */
export const PERFUSION_FIELDS = [
  'coreVolumeMl',
  'hypoperfusionVolumeMl',
  'tmax10VolumeMl',
  'mismatchVolumeMl',
  'mismatchRatio',
  'hypoperfusionIntensityRatio',
  'affectedHemisphere',
  'eligibility',
] as const;

/** What is decided when the alert is raised, and stored with it: the same for every page. */
export interface AlertContent {
  level: AlertLevel;
  team: { id: string; name: string | null };
  rules: string[];
  reasons: string[];
  /** one line for a pager screen; no patient identifiers */
  summary: string;
  analysis: { id: string; kind: string; modelId: string | null; modelVersion: string | null };
  study: {
    StudyInstanceUID: string;
    SeriesInstanceUID: string;
    AccessionNumber?: string | null;
    PatientID?: string | null;
    PatientAge?: string | null;
    PatientSex?: string | null;
  };
  results: Record<string, unknown>;
  warnings: string[];
  times: { firstImageAt: string | null; lastImageAt: string | null; analysisDoneAt: string | null };
}

/** What one webhook receives. */
export interface AlertPayload extends Omit<AlertContent, 'times'> {
  schema: typeof ALERT_PAYLOAD_SCHEMA;
  id: string;
  kind: 'alert' | 'update';
  /** for an update after re-analysis: the first alert it revises */
  updatesAlertId: string | null;
  links: { study: string | null; acknowledge: string | null };
  page: { step: number; steps: number; target: string };
  times: AlertContent['times'] & { alertSentAt: string };
  image?: { mediaType: 'image/png'; width: number; height: number; base64: string };
}

export interface AlertFacts {
  analysis: AnalysisEntity;
  study: StudyEntity | null;
  series: SeriesEntity | null;
  teamName: string | null;
  /** fields to report for analyses other than perfusion: those the rules look at */
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

function results(analysis: AnalysisEntity, ruleFields: string[][]): Record<string, unknown> {
  const result = analysis.result ?? {};
  if (analysis.kind === 'ctp') return Object.fromEntries(PERFUSION_FIELDS.filter((f) => f in result).map((f) => [f, round(result[f])]));
  return Object.fromEntries(ruleFields.map((path) => [path.join('.'), round(valueAt(result, path))]).filter(([, v]) => v !== undefined));
}

function summaryLine(
  level: AlertLevel,
  kind: 'alert' | 'update',
  decision: AlertDecision | null,
  analysis: AnalysisEntity,
  values: Record<string, unknown>,
): string {
  const parts: string[] = [];
  if (analysis.kind === 'ctp') {
    const r = values;
    const eligibility = (r.eligibility ?? {}) as { defuse3?: boolean; extend?: boolean };
    const eligible = [eligibility.defuse3 ? 'DEFUSE 3' : '', eligibility.extend ? 'EXTEND' : ''].filter(Boolean);
    if (eligible.length) parts.push(`${eligible.join(' and ')} eligible`);
    const ml = (v: unknown) => (typeof v === 'number' ? `${v} mL` : 'n/a');
    parts.push(
      `core ${ml(r.coreVolumeMl)}, Tmax>6s ${ml(r.hypoperfusionVolumeMl)}, mismatch ${ml(r.mismatchVolumeMl)}${typeof r.mismatchRatio === 'number' ? ` (ratio ${r.mismatchRatio})` : ''}`,
    );
    if (r.affectedHemisphere) parts.push(`${r.affectedHemisphere} hemisphere`);
  } else {
    parts.push(decision?.reasons.join(', ') ?? analysis.kind);
  }
  const head = kind === 'update' ? (decision ? 'UPDATE after re-analysis' : 'UPDATE after re-analysis: criteria no longer met') : level.toUpperCase();
  return `${head}: ${parts.join('; ')}`;
}

/** The content of an alert (or of an update: `decision` null when the re-analysis no longer meets a rule). */
export function alertContent(decision: AlertDecision | null, kind: 'alert' | 'update', teamId: string, facts: AlertFacts, phi: AlertPhiOptions): AlertContent {
  const { analysis, study, series } = facts;
  const level: AlertLevel = decision?.level ?? 'info';
  const values = results(analysis, facts.ruleFields);
  const studyFacts: AlertContent['study'] = { StudyInstanceUID: analysis.StudyInstanceUID, SeriesInstanceUID: analysis.SeriesInstanceUID };
  if (phi.accessionNumber) studyFacts.AccessionNumber = study?.AccessionNumber ?? null;
  if (phi.patientId) studyFacts.PatientID = study?.PatientID ?? null;
  if (phi.patientAge) studyFacts.PatientAge = study?.PatientAge ?? ageString(study?.PatientBirthDate, study?.StudyDate);
  if (phi.patientSex) studyFacts.PatientSex = study?.PatientSex ?? null;
  const warnings = Array.isArray(analysis.result?.warnings) ? (analysis.result!.warnings as unknown[]).map(String).slice(0, 10) : [];
  return {
    level,
    team: { id: teamId, name: facts.teamName },
    rules: decision?.rules ?? [],
    reasons: decision?.reasons ?? [],
    summary: summaryLine(level, kind, decision, analysis, values),
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
): AlertPayload {
  const content = alert.payload as unknown as AlertContent;
  const base = publicBaseUrl?.replace(/\/+$/, '');
  const rootId = alert.updatesAlertId ?? alert.id;
  return {
    schema: ALERT_PAYLOAD_SCHEMA,
    id: alert.id,
    kind: alert.updatesAlertId ? 'update' : 'alert',
    updatesAlertId: alert.updatesAlertId,
    ...content,
    links: {
      study: base ? `${base}/studies/${encodeURIComponent(content.study.StudyInstanceUID)}` : null,
      acknowledge: base ? `${base}/api/alerts/${rootId}/ack` : null,
    },
    page,
    times: { ...content.times, alertSentAt: sentAt.toISOString() },
    ...(image ? { image } : {}),
  };
}
