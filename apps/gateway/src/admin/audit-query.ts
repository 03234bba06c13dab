import { BadRequestException } from '@nestjs/common';
import { AUDIT_ACTIONS, AuditAction, AuditOutcome, AuditQuery } from '@nidus/auth';

function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 255) throw new BadRequestException(`${name}: expected one value of at most 255 characters`);
  return value;
}

function time(value: unknown, name: string): Date | undefined {
  const t = text(value, name);
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  if (!Number.isFinite(ms)) throw new BadRequestException(`${name}: expected an ISO 8601 date-time, got '${t}'`);
  return new Date(ms);
}

/** GET /api/audit's query: from, to (ISO 8601), action (comma separated), user, study, patient, outcome, limit, before. */
export function parseAuditQuery(q: Record<string, unknown>): AuditQuery {
  const actions = text(q.action, 'action')?.split(',');
  for (const a of actions ?? []) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(a)) throw new BadRequestException(`action: expected some of ${AUDIT_ACTIONS.join(', ')}, got '${a}'`);
  }
  const outcome = text(q.outcome, 'outcome');
  if (outcome !== undefined && !['0', '4', '8', '12'].includes(outcome)) throw new BadRequestException(`outcome: expected 0, 4, 8 or 12, got '${outcome}'`);
  const limit = text(q.limit, 'limit');
  if (limit !== undefined && (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000))
    throw new BadRequestException(`limit: expected a whole number 1-1000, got '${limit}'`);
  const before = text(q.before, 'before');
  if (before !== undefined && !/^[0-9a-f-]{36}$/i.test(before)) throw new BadRequestException('before: expected the id of an audit event');
  return {
    from: time(q.from, 'from'),
    to: time(q.to, 'to'),
    actions: actions as AuditAction[] | undefined,
    userId: text(q.user, 'user'),
    StudyInstanceUID: text(q.study, 'study'),
    PatientID: text(q.patient, 'patient'),
    outcome: outcome === undefined ? undefined : (Number(outcome) as AuditOutcome),
    limit: limit === undefined ? undefined : Number(limit),
    before,
  };
}
