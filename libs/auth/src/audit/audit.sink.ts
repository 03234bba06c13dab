import type { AuditAction } from './audit-action.table';
import type { AuditOutcome } from './audit-codes';
import type { AuditEvent } from './audit-event';

/** Where audit events go: the append-only table (libs/persistence), syslog, a file. */
export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
}

/** A filter over the audit trail (GET /api/audit?from=&to=&action=&user=&study=&patient=&outcome=&limit=&before=). */
export interface AuditQuery {
  from?: Date;
  to?: Date;
  actions?: AuditAction[];
  userId?: string;
  StudyInstanceUID?: string;
  PatientID?: string;
  outcome?: AuditOutcome;
  /** newest first; at most this many (default 100, at most 1000) */
  limit?: number;
  /** page on: events strictly older than this event id's */
  before?: string;
}

/** Reading the trail back (admins only). */
export interface AuditReader {
  query(query: AuditQuery): Promise<AuditEvent[]>;
}

/** Whether an event passes a filter (the in-memory log uses it; the SQL of the repository says the same). */
export function matchesAuditQuery(event: AuditEvent, query: AuditQuery): boolean {
  const time = Date.parse(event.time);
  if (query.from && time < query.from.getTime()) return false;
  if (query.to && time >= query.to.getTime()) return false;
  if (query.actions?.length && !query.actions.includes(event.action)) return false;
  if (query.userId && event.actor.userId !== query.userId) return false;
  if (query.outcome !== undefined && event.outcome !== query.outcome) return false;
  const has = (idTypeCode: string, id: string) => event.objects.some((o) => o.idType.code === idTypeCode && o.id === id);
  if (query.StudyInstanceUID && !has('110180', query.StudyInstanceUID)) return false;
  if (query.PatientID && !has('2', query.PatientID)) return false;
  return true;
}
