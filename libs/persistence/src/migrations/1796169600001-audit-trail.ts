import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// The audit trail as PS3.15 A.5 events (who, what, when, from where, outcome), append-only. The rows of the
// first audit_event table (the alert pager's and acknowledgements, by an unverified name) are carried over as
// events; the codes are written out here so this migration does not change when libs/auth does.

interface LegacyRow {
  id: number;
  at: string | number;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

const PATIENT_RECORD = { code: '110110', scheme: 'DCM', meaning: 'Patient Record' };
const EXPORT = { code: '110106', scheme: 'DCM', meaning: 'Export' };
const APPLICATION_ACTIVITY = { code: '110100', scheme: 'DCM', meaning: 'Application Activity' };
const ALERT_ID = { code: 'ALERT', scheme: 'NIDUS', meaning: 'Nidus Alert ID' };

function legacyEvent(row: LegacyRow): Record<string, unknown> {
  const detail = row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {};
  const strings = Object.fromEntries(
    Object.entries(detail).flatMap(([k, v]) => (v === undefined || v === null ? [] : [[k, typeof v === 'string' ? v : JSON.stringify(v)]])),
  );
  const mapped: Record<string, [string, typeof PATIENT_RECORD, string, number]> = {
    'alert.raised': ['alert.raise', PATIENT_RECORD, 'C', 0],
    'alert.update-raised': ['alert.raise', PATIENT_RECORD, 'C', 0],
    'alert.paged': ['alert.page', EXPORT, 'R', 0],
    'alert.page-failed': ['alert.page', EXPORT, 'R', 4],
    'alert.acknowledged': ['alert.acknowledge', PATIENT_RECORD, 'U', 0],
  };
  const [action, eventId, actionCode, outcome] = mapped[row.action] ?? [row.action, APPLICATION_ACTIVITY, 'E', 0];
  const unverified = row.action === 'alert.acknowledged';
  return {
    id: randomUUID(),
    action,
    time: new Date(Number(row.at)).toISOString(),
    eventId,
    eventTypes: row.action === 'alert.acknowledged' ? [{ code: 'ACK', scheme: 'NIDUS', meaning: 'Alert Acknowledged' }] : [],
    actionCode,
    outcome,
    // an acknowledgement of the first table named whoever the request body claimed
    ...(unverified ? { outcomeDescription: `name given, not verified: ${row.actor}` } : {}),
    actor: { userId: unverified ? 'unverified' : row.actor, userName: row.actor, roles: [] },
    source: 'nidus',
    objects: row.subject
      ? [
          {
            typeCode: 2,
            roleCode: row.action.startsWith('alert.') ? 4 : 3,
            idType: row.action.startsWith('alert.') ? ALERT_ID : APPLICATION_ACTIVITY,
            id: row.subject,
            detail: strings,
          },
        ]
      : [],
  };
}

const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });

export class AuditTrail1796169600001 implements MigrationInterface {
  name = 'AuditTrail1796169600001';

  async up(q: QueryRunner): Promise<void> {
    const legacy = (await q.query('SELECT * FROM "audit_event" ORDER BY "id"')) as LegacyRow[];
    await q.dropTable('audit_event');
    await q.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          text('id', 36),
          { name: 'time', type: 'bigint', isNullable: false },
          text('action', 32),
          text('eventIdCode', 16),
          text('actionCode', 1),
          { name: 'outcome', type: 'integer', isNullable: false },
          text('outcomeDescription', 512, true),
          text('userId', 255),
          text('userName', 255, true),
          text('roles', 128),
          text('address', 64, true),
          text('source', 64),
          text('StudyInstanceUID', 64, true),
          text('PatientID', 64, true),
          { name: 'body', type: 'text', isNullable: false },
        ],
        indices: ['time', 'action', 'userId', 'StudyInstanceUID', 'PatientID']
          .map((c) => new TableIndex({ columnNames: [c] }))
          .concat(new TableIndex({ columnNames: ['id'], isUnique: true })),
      }),
    );
    for (const row of legacy) {
      const event = legacyEvent(row);
      const actor = event.actor as { userId: string; userName: string };
      await q.query(
        'INSERT INTO "audit_event" ("id", "time", "action", "eventIdCode", "actionCode", "outcome", "outcomeDescription", "userId", "userName", "roles", "address", "source", "StudyInstanceUID", "PatientID", "body") ' +
          `VALUES (${Array.from({ length: 15 }, (_, i) => (q.connection.driver.options.type === 'postgres' ? `$${i + 1}` : '?')).join(', ')})`,
        [
          event.id,
          Number(row.at),
          event.action,
          (event.eventId as { code: string }).code,
          event.actionCode,
          event.outcome,
          (event.outcomeDescription as string | undefined) ?? null,
          actor.userId.slice(0, 255),
          actor.userName.slice(0, 255),
          '',
          null,
          'nidus',
          null,
          null,
          JSON.stringify(event),
        ],
      );
    }
    // append-only in the database too: no UPDATE, DELETE (or TRUNCATE) of the trail. A later migration that makes
    // SQLite recreate this table must create these triggers again.
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(
        `CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$`,
      );
      await q.query(
        'CREATE TRIGGER "audit_event_no_change" BEFORE UPDATE OR DELETE ON "audit_event" FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"()',
      );
      await q.query(
        'CREATE TRIGGER "audit_event_no_truncate" BEFORE TRUNCATE ON "audit_event" FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"()',
      );
    } else {
      for (const change of ['UPDATE', 'DELETE']) {
        await q.query(
          `CREATE TRIGGER "audit_event_no_${change.toLowerCase()}" BEFORE ${change} ON "audit_event" BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS "audit_event_no_truncate" ON "audit_event"');
      await q.query('DROP TRIGGER IF EXISTS "audit_event_no_change" ON "audit_event"');
      await q.query('DROP FUNCTION IF EXISTS "audit_event_append_only"()');
    }
    await q.dropTable('audit_event');
    await q.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'at', type: 'bigint', isNullable: false },
          text('actor', 128),
          text('action', 64),
          text('subject', 128, true),
          { name: 'detail', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ columnNames: ['at'] })],
      }),
    );
  }
}
