import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, DATABASE_KINDS } from '@nidus/testing';
import { AnalysisRepository } from '../analysis/analysis.repository';
import { openDatabase } from '../data-source';
import { AlertRepository } from './alert.repository';

describe.each(DATABASE_KINDS)(`${AlertRepository.name} on %s`, (kind) => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let alerts: AlertRepository;

  beforeAll(async () => {
    const created = await createTestDatabase(kind, mkdtempSync(join(tmpdir(), 'nidus-alert-db-')));
    drop = created.drop;
    db = await openDatabase(created.config);
    alerts = new AlertRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  const input = (analysisId: string) => ({ analysisId, updatesAlertId: null, level: 'critical', team: 'stroke', payload: { n: 1 } });

  it('creates one alert per analysis, even when asked twice at once', async () => {
    const [a, b] = await Promise.all([alerts.createOnce(input('an-1')), alerts.createOnce(input('an-1'))]);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(a.alert.id).toBe(b.alert.id);
    expect(await alerts.findByAnalysisId('an-1')).toMatchObject({ state: 'pending', escalationLevel: -1, payload: { n: 1 } });
    expect((await alerts.unsent()).map((x) => x.id)).toContain(a.alert.id);
  });

  it('lets one worker at a time page a step, each step once, in order', async () => {
    const { alert } = await alerts.createOnce(input('an-2'));
    const t0 = new Date('2030-01-01T00:00:00Z');
    expect(await alerts.claim(alert.id, 1, 10_000, t0)).toBe(false); // step 0 first
    expect(await alerts.claim(alert.id, 0, 10_000, t0)).toBe(true);
    expect(await alerts.claim(alert.id, 0, 10_000, new Date(t0.getTime() + 5_000))).toBe(false); // lease held
    const next = new Date(t0.getTime() + 60_000);
    expect(await alerts.recordPage(alert.id, 0, { delivered: true, error: null, nextEscalationAt: next, exhausted: false }, t0)).toBe(true);
    expect(await alerts.recordPage(alert.id, 0, { delivered: true, error: null, nextEscalationAt: next, exhausted: false }, t0)).toBe(false);
    const sent = await alerts.findById(alert.id);
    expect(sent).toMatchObject({ state: 'sent', escalationLevel: 0, claimedUntil: null, sentAt: t0, nextEscalationAt: next });
    expect((await alerts.pendingEscalations()).map((a) => a.id)).toContain(alert.id);
    // a lapsed lease may be taken over
    expect(await alerts.claim(alert.id, 1, 1_000, t0)).toBe(true);
    expect(await alerts.claim(alert.id, 1, 1_000, new Date(t0.getTime() + 2_000))).toBe(true);
    expect(await alerts.recordPage(alert.id, 1, { delivered: false, error: 'HTTP 503', nextEscalationAt: null, exhausted: true }, t0)).toBe(true);
    expect(await alerts.findById(alert.id)).toMatchObject({ state: 'sent', escalationLevel: 1, lastError: 'HTTP 503', nextEscalationAt: null });
  });

  it('fails an alert no step could deliver', async () => {
    const { alert } = await alerts.createOnce(input('an-3'));
    expect(await alerts.claim(alert.id, 0, 10_000)).toBe(true);
    await alerts.recordPage(alert.id, 0, { delivered: false, error: 'HTTP 404', nextEscalationAt: null, exhausted: true });
    expect(await alerts.findById(alert.id)).toMatchObject({ state: 'failed', sentAt: null, lastError: 'HTTP 404' });
  });

  it('acknowledges once, stops escalation, and keeps an acknowledgement a late page records', async () => {
    const { alert } = await alerts.createOnce(input('an-4'));
    await alerts.claim(alert.id, 0, 10_000);
    await alerts.recordPage(alert.id, 0, { delivered: true, error: null, nextEscalationAt: new Date(Date.now() + 60_000), exhausted: false });
    await alerts.claim(alert.id, 1, 10_000);
    const at = new Date('2030-01-01T00:01:00Z');
    const acknowledged = await alerts.acknowledge(alert.id, 'dr.house', at);
    expect(acknowledged).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'dr.house', acknowledgedAt: at, nextEscalationAt: null });
    expect(await alerts.acknowledge(alert.id, 'someone.else')).toBeNull();
    expect(await alerts.claim(alert.id, 1, 10_000, new Date(Date.now() + 3_600_000))).toBe(false);
    // the step that was in flight when the acknowledgement came is recorded without undoing it
    expect(await alerts.recordPage(alert.id, 1, { delivered: true, error: null, nextEscalationAt: new Date(Date.now() + 60_000), exhausted: false })).toBe(
      true,
    );
    expect(await alerts.findById(alert.id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'dr.house', escalationLevel: 1, nextEscalationAt: null });
    expect((await alerts.pendingEscalations()).map((a) => a.id)).not.toContain(alert.id);
    expect((await alerts.list({ state: 'acknowledged' })).map((a) => a.id)).toEqual([alert.id]);
  });

  it('finds the first alert of the analyses a re-analysis supersedes', async () => {
    const analyses = new AnalysisRepository(db);
    const base = { StudyInstanceUID: '1.2.9', SeriesInstanceUID: '1.2.9.1', kind: 'ctp', priority: 'stat' as const };
    const first = (await analyses.createOnce({ ...base, inputKey: 'a'.repeat(64), instanceCount: 10 })).analysis;
    const second = (await analyses.createOnce({ ...base, inputKey: 'b'.repeat(64), instanceCount: 11 })).analysis;
    const third = (await analyses.createOnce({ ...base, inputKey: 'c'.repeat(64), instanceCount: 12 })).analysis;
    expect(await alerts.findRootAlertBefore(second.id)).toBeNull();
    const root = (await alerts.createOnce(input(first.id))).alert;
    expect((await alerts.findRootAlertBefore(second.id))?.id).toBe(root.id);
    const update = (await alerts.createOnce({ ...input(second.id), updatesAlertId: root.id })).alert;
    expect((await alerts.findRootAlertBefore(third.id))?.id).toBe(root.id);
    expect((await alerts.updatesOf(root.id)).map((a) => a.id)).toEqual([update.id]);
  });
});
