import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { auditActor, AuditObject, createAuditEvent, Outcome } from '@nidus/auth';
import { createTestDatabase, DATABASE_KINDS, testIdentity } from '@nidus/testing';
import { dataSourceOptions, openDatabase } from '../data-source';
import { MIGRATIONS } from '../entities';
import { AuditRepository } from './audit.repository';

const SOURCE = 'nidus@test';
const ada = testIdentity('Dr. Ada', ['radiologist']);
const bob = testIdentity('Dr. Bob', ['viewer']);

function read(identity = ada, StudyInstanceUID = '1.2.3', PatientID = 'P1', at = new Date()) {
  return createAuditEvent('study.read', {
    actor: auditActor(identity, '10.0.0.7'),
    source: SOURCE,
    objects: [AuditObject.study(StudyInstanceUID), AuditObject.patient(PatientID)],
    time: at,
  });
}

describe.each(DATABASE_KINDS)(`${AuditRepository.name} on %s`, (kind) => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let audit: AuditRepository;

  beforeAll(async () => {
    const created = await createTestDatabase(kind, mkdtempSync(join(tmpdir(), 'nidus-audit-')));
    drop = created.drop;
    db = await openDatabase(created.config);
    audit = new AuditRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  it('keeps each event whole, and finds them by user, study, patient, action, outcome and time, newest first', async () => {
    const t0 = Date.now();
    const events = [
      read(ada, '1.2.3', 'P1', new Date(t0 - 3000)),
      read(bob, '1.2.3', 'P1', new Date(t0 - 2000)),
      read(ada, '1.2.4', 'P2', new Date(t0 - 1000)),
      createAuditEvent('auth.failure', { actor: auditActor(undefined, '203.0.113.9'), source: SOURCE, outcome: Outcome.MinorFailure, outcomeDescription: 'x' }),
    ];
    for (const e of events) await audit.record(e);
    expect(await audit.query({})).toEqual([...events].reverse());
    expect((await audit.query({ StudyInstanceUID: '1.2.3' })).map((e) => e.actor.userName)).toEqual(['Dr. Bob', 'Dr. Ada']);
    expect((await audit.query({ userId: ada.subject })).map((e) => e.objects[0].id)).toEqual(['1.2.4', '1.2.3']);
    expect((await audit.query({ PatientID: 'P2' })).map((e) => e.id)).toEqual([events[2].id]);
    expect((await audit.query({ actions: ['auth.failure'] })).map((e) => e.id)).toEqual([events[3].id]);
    expect((await audit.query({ outcome: 4 })).map((e) => e.id)).toEqual([events[3].id]);
    expect((await audit.query({ from: new Date(t0 - 2500), to: new Date(t0 - 500) })).map((e) => e.id)).toEqual([events[2].id, events[1].id]);
    // paging: the page after an event holds what was recorded before it
    const [newest, second] = await audit.query({ limit: 2 });
    expect((await audit.query({ before: second.id, limit: 10 })).map((e) => e.id)).toEqual([events[1].id, events[0].id]);
    expect(newest.id).toBe(events[3].id);
    expect(await audit.query({ before: '00000000-0000-0000-0000-000000000000' })).toEqual([]);
  });

  it('streams every match in pages, past any one page', async () => {
    for (let i = 0; i < 7; i++) await audit.record(read(bob, '9.9', 'P9'));
    const streamed = [];
    for await (const e of audit.stream({ StudyInstanceUID: '9.9' }, 3)) streamed.push(e);
    expect(streamed).toHaveLength(7);
    expect(new Set(streamed.map((e) => e.id)).size).toBe(7);
  });

  it('refuses to change or delete what was recorded, in the database itself', async () => {
    const before = await audit.count();
    await expect(db.query(`UPDATE "audit_event" SET "userId" = 'someone-else'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM "audit_event"`)).rejects.toThrow(/append-only/);
    expect(await audit.count()).toBe(before);
    expect((await audit.query({ userId: 'someone-else' })).length).toBe(0);
  });
});

describe('the audit trail migration', () => {
  it('carries the rows of the first audit table over as events, marking names that were never verified', async () => {
    const { config, drop } = await createTestDatabase('sqlite', mkdtempSync(join(tmpdir(), 'nidus-audit-migrate-')));
    const before = MIGRATIONS.findIndex((m) => m.name === 'AuditTrail1796169600001');
    const old = new DataSource({ ...dataSourceOptions(config), migrations: MIGRATIONS.slice(0, before) } as never);
    await old.initialize();
    await old.runMigrations();
    await old.query(
      `INSERT INTO "audit_event" ("at", "actor", "action", "subject", "detail") VALUES (1000, 'system', 'alert.paged', 'A1', '{"step":0,"target":"resident"}')`,
    );
    await old.query(`INSERT INTO "audit_event" ("at", "actor", "action", "subject", "detail") VALUES (2000, 'Dr. Nobody', 'alert.acknowledged', 'A1', NULL)`);
    await old.destroy();
    const db = await openDatabase(config);
    const events = await new AuditRepository(db).query({});
    expect(events.map((e) => [e.action, e.actor.userId, e.time, e.objects[0]?.id])).toEqual([
      ['alert.acknowledge', 'unverified', new Date(2000).toISOString(), 'A1'],
      ['alert.page', 'system', new Date(1000).toISOString(), 'A1'],
    ]);
    expect(events[0].outcomeDescription).toBe('name given, not verified: Dr. Nobody');
    expect(events[1].objects[0].detail).toEqual({ step: '0', target: 'resident' });
    await db.destroy();
    await drop();
  });
});
