import { DataSource, SelectQueryBuilder } from 'typeorm';
import type { AuditEvent, AuditQuery, AuditReader, AuditSink } from '@nidus/auth';
import { AuditEventEntity } from './audit-event.entity';

/** PS3.15 / RFC 3881 codes of the participant objects the columns index. */
const STUDY_ID_TYPE = '110180';
const PATIENT_ID_TYPE = '2';

export function auditEventRow(event: AuditEvent): Omit<AuditEventEntity, 'seq'> {
  const first = (code: string) => event.objects.find((o) => o.idType.code === code)?.id ?? null;
  return {
    id: event.id,
    time: new Date(event.time),
    action: event.action,
    eventIdCode: event.eventId.code,
    actionCode: event.actionCode,
    outcome: event.outcome,
    outcomeDescription: event.outcomeDescription ?? null,
    userId: event.actor.userId.slice(0, 255),
    userName: event.actor.userName?.slice(0, 255) ?? null,
    roles: event.actor.roles.join(','),
    address: event.actor.address?.slice(0, 64) ?? null,
    source: event.source.slice(0, 64),
    StudyInstanceUID: first(STUDY_ID_TYPE)?.slice(0, 64) ?? null,
    PatientID: first(PATIENT_ID_TYPE)?.slice(0, 64) ?? null,
    body: event as unknown as Record<string, unknown>,
  };
}

/**
 * The audit trail (libs/auth AuditSink and AuditReader): append and read, nothing else. Reads go newest first;
 * `before` pages on from an event id.
 */
export class AuditRepository implements AuditSink, AuditReader {
  constructor(private readonly db: DataSource) {}

  async record(event: AuditEvent): Promise<void> {
    await this.db.getRepository(AuditEventEntity).insert(auditEventRow(event) as never);
  }

  /** At most `limit` events (default 100, at most 1000), newest first. */
  async query(query: AuditQuery): Promise<AuditEvent[]> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    const before = query.before ? await this.seqOf(query.before) : undefined;
    if (before === null) return [];
    const rows = await this.filtered(query, before).take(limit).getMany();
    return rows.map((row) => row.body as unknown as AuditEvent);
  }

  /** Every matching event, newest first, read in pages (the JSON-lines export). */
  async *stream(query: Omit<AuditQuery, 'limit' | 'before'>, pageSize = 500): AsyncGenerator<AuditEvent> {
    let before: number | undefined;
    for (;;) {
      const rows = await this.filtered(query, before).take(pageSize).getMany();
      for (const row of rows) yield row.body as unknown as AuditEvent;
      if (rows.length < pageSize) return;
      before = rows[rows.length - 1].seq;
    }
  }

  /** The number of events recorded (tests and health checks). */
  count(): Promise<number> {
    return this.db.getRepository(AuditEventEntity).count();
  }

  private async seqOf(id: string): Promise<number | null> {
    const row = await this.db.getRepository(AuditEventEntity).findOne({ where: { id }, select: { seq: true } });
    return row?.seq ?? null;
  }

  // the SQL of matchesAuditQuery (libs/auth) on the indexed columns; study and patient are those an event names first
  private filtered(query: AuditQuery, beforeSeq?: number): SelectQueryBuilder<AuditEventEntity> {
    const q = this.db.getRepository(AuditEventEntity).createQueryBuilder('e').orderBy('e.seq', 'DESC');
    if (beforeSeq !== undefined) q.andWhere('e.seq < :beforeSeq', { beforeSeq });
    if (query.from) q.andWhere('e.time >= :from', { from: query.from.getTime() });
    if (query.to) q.andWhere('e.time < :to', { to: query.to.getTime() });
    if (query.actions?.length) q.andWhere('e.action IN (:...actions)', { actions: query.actions });
    if (query.userId) q.andWhere('e.userId = :userId', { userId: query.userId });
    if (query.outcome !== undefined) q.andWhere('e.outcome = :outcome', { outcome: query.outcome });
    if (query.StudyInstanceUID) q.andWhere('e.StudyInstanceUID = :study', { study: query.StudyInstanceUID });
    if (query.PatientID) q.andWhere('e.PatientID = :patient', { patient: query.PatientID });
    return q;
  }
}
