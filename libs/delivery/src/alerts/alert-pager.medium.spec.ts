import { AlertRepository, AuditRepository } from '@nidus/persistence';
import { AlertHarness } from '@nidus/testing/alerts';
import { DATABASE_KINDS, alertsConfig, perfusionResult, SECRET, silent, sleep, testIdentity, waitUntil, WebhookReceiver } from '@nidus/testing';
import { InMemoryAlertBus, AlertEvent } from './alert-bus';
import { createAlertHandlers, recoverPendingEscalations } from './alert-handlers';
import { AlertPager } from './alert-pager';
import { AlertPayload } from './alert-payload';
import { AlertsService } from './alerts.service';
import { verifyWebhookSignature } from './webhook-signature';
import { WebhookChannel } from './webhook.channel';

const context = { attempt: 1, jobId: 'test', followUp: async () => undefined };
const body = (r: { body: string }) => JSON.parse(r.body) as AlertPayload;
const by = (name: string) => ({ identity: testIdentity(name) });

describe(AlertPager.name, () => {
  let receiver: WebhookReceiver;
  let h: AlertHarness;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    h = await AlertHarness.open('sqlite');
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  it('pages the first step with a signed payload holding the numbers, the configured PHI and no more', async () => {
    const bus = new InMemoryAlertBus();
    const events: AlertEvent[] = [];
    bus.subscribe((e) => events.push(e));
    h.startWorker(alertsConfig(receiver, 30), bus);
    const result = perfusionResult(12.4, 86.25);
    const analysisId = await h.analysis(result, { secondsAgo: 2 });
    await h.queue.enqueue('alert.evaluate', { analysisId }, { priority: 'stat' });
    await receiver.waitUntil((r) => r.length >= 1);

    const [request] = receiver.received;
    expect(request.path).toBe('/resident');
    expect(verifyWebhookSignature(SECRET, String(request.headers['x-nidus-timestamp']), request.body, String(request.headers['x-nidus-signature']))).toBe(true);
    const payload = body(request);
    expect(payload).toMatchObject({
      schema: 'nidus.alert/1',
      kind: 'alert',
      updatesAlertId: null,
      level: 'critical',
      team: { id: 'stroke', name: 'Stroke team' },
      rules: ['stroke-treatable-perfusion'],
      reasons: ['eligibility.defuse3', 'eligibility.extend', 'hypoperfusionVolumeMl >= 15'],
      results: {
        coreVolumeMl: 12.4,
        hypoperfusionVolumeMl: 86.3,
        tmax10VolumeMl: 34.5,
        mismatchVolumeMl: 73.9,
        mismatchRatio: 6.96, // 86.3 / 12.4, to two decimals
        affectedHemisphere: 'left',
        eligibility: { defuse3: true, extend: true },
      },
      study: { AccessionNumber: 'ACC-778899', PatientAge: '071Y', PatientSex: 'F' },
      page: { step: 0, steps: 3, target: 'resident' },
    });
    expect(payload.summary).toBe('CRITICAL: DEFUSE 3 and EXTEND eligible; core 12.4 mL, Tmax>6s 86.3 mL, mismatch 73.9 mL (ratio 7); left hemisphere');
    expect(payload.study).not.toHaveProperty('PatientID');
    expect(request.body).not.toContain('P-5551234');
    expect(request.body).not.toContain('DOE');
    expect(request.body).not.toContain('19540101');
    expect(payload.links.study).toBe(`https://nidus.example.org/studies/${payload.study.StudyInstanceUID}`);
    expect(payload.links.alert).toBe(`https://nidus.example.org/alerts/${payload.id}`);
    // the acknowledge link carries a signed token for this alert, this step and this target
    const ack = /^https:\/\/nidus\.example\.org\/ack\/([A-Za-z0-9_.-]+)$/.exec(payload.links.acknowledge!);
    expect(ack).not.toBeNull();
    expect(h.ackLinks.verify(ack![1])).toMatchObject({ alertId: payload.id, step: 0, target: 'resident' });
    const t = payload.times;
    expect(Date.parse(t.firstImageAt!)).toBeLessThan(Date.parse(t.lastImageAt!));
    expect(Date.parse(t.lastImageAt!)).toBeLessThanOrEqual(Date.parse(t.analysisDoneAt!));
    expect(Date.parse(t.analysisDoneAt!)).toBeLessThanOrEqual(Date.parse(t.alertSentAt));
    expect(payload.image).toMatchObject({ mediaType: 'image/png', width: 320 });
    expect(Buffer.from(payload.image!.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');

    // recorded once, time to alert observed (series received 2 s before)
    await sleep(100);
    const alert = await new AlertRepository(h.db).findByAnalysisId(analysisId);
    expect(alert).toMatchObject({ id: payload.id, state: 'sent', escalationLevel: 0 });
    expect(alert!.nextEscalationAt!.getTime() - alert!.sentAt!.getTime()).toBeGreaterThanOrEqual(29_000);
    const histogram = await h.metrics.timeToAlertSeconds.get();
    const count = histogram.values.find((v) => v.metricName === 'nidus_time_to_alert_seconds_count')!.value;
    const sum = histogram.values.find((v) => v.metricName === 'nidus_time_to_alert_seconds_sum')!.value;
    expect(count).toBe(1);
    expect(sum).toBeGreaterThan(2);
    expect(sum).toBeLessThan(10);
    expect(events.map((e) => [e.type, e.alert.id])).toEqual([
      ['alert.raised', payload.id],
      ['alert.paged', payload.id],
    ]);
    const trail = await new AuditRepository(h.db).query({});
    expect(trail.map((e) => [e.action, e.actor.userId, e.outcome])).toEqual([
      ['alert.page', 'nidus', 0],
      ['alert.raise', 'nidus', 0],
    ]);
    expect(trail[0].objects).toEqual([
      expect.objectContaining({ id: payload.id, detail: { step: '0', target: 'resident', status: '200', attempts: '1' } }),
      expect.objectContaining({ id: payload.study.StudyInstanceUID }),
    ]);
    expect(trail[1].objects.map((o) => o.id)).toEqual([payload.id, payload.study.StudyInstanceUID, 'P-5551234']);
  });

  it('raises no alert for a healthy result', async () => {
    h.startWorker(alertsConfig(receiver));
    const analysisId = await h.analysis(perfusionResult(0, 4));
    const handlers = createAlertHandlers({ db: h.db, analyses: h.analyses, alerts: alertsConfig(receiver), logger: silent });
    expect(await handlers['alert.evaluate']({ analysisId }, context)).toEqual({});
    await h.queue.enqueue('alert.evaluate', { analysisId });
    await sleep(500);
    expect(receiver.received).toHaveLength(0);
    expect(await new AlertRepository(h.db).list()).toHaveLength(0);
  });

  it('retries a 500 answer within the page', async () => {
    receiver.respond = (_, n) => (n === 1 ? 500 : 200);
    h.startWorker(alertsConfig(receiver, 30));
    const analysisId = await h.analysis(perfusionResult(10, 60));
    await h.queue.enqueue('alert.evaluate', { analysisId });
    await receiver.waitUntil((r) => r.length >= 2);
    await sleep(100);
    expect(receiver.received.map((r) => [r.path, r.headers['x-nidus-delivery']])).toEqual([
      ['/resident', `${body(receiver.received[0]).id}:0`],
      ['/resident', `${body(receiver.received[0]).id}:0`],
    ]);
    expect(await new AlertRepository(h.db).findByAnalysisId(analysisId)).toMatchObject({ state: 'sent', lastError: null });
  });

  it('escalates along the chain while nobody acknowledges, and stops at the acknowledgement', async () => {
    h.startWorker(alertsConfig(receiver, 1));
    const analysisId = await h.analysis(perfusionResult(10, 60));
    await h.queue.enqueue('alert.evaluate', { analysisId });
    await receiver.waitUntil((r) => r.some((x) => x.path === '/attending'), 5000);
    const [first, second] = receiver.received;
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(950);
    expect(body(second)).toMatchObject({ id: body(first).id, page: { step: 1, target: 'attending' } });
    const alertId = body(first).id;
    await waitUntil('the second page recorded', async () => (await new AlertRepository(h.db).findById(alertId))?.escalationLevel === 1 || undefined, 2000, 10);
    await new AlertsService({ db: h.db }).acknowledge(alertId, by('dr.attending'));
    await sleep(1600);
    expect(receiver.received.map((r) => r.path)).toEqual(['/resident', '/attending']);
    expect(await new AlertRepository(h.db).findById(alertId)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'dr.attending',
      escalationLevel: 1,
      nextEscalationAt: null,
    });
    const audit = await new AuditRepository(h.db).query({ actions: ['alert.acknowledge'] });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 0, actor: { userId: 'test:dr.attending', userName: 'dr.attending', roles: ['stroke'] } });
    expect(audit[0].objects[0]).toMatchObject({ id: alertId, detail: { escalationLevel: '1', team: 'stroke' } });
    // a second acknowledgement is refused, and that is on record too
    await expect(new AlertsService({ db: h.db }).acknowledge(alertId, by('dr.late'))).rejects.toThrow(/already acknowledged/);
    const refused = await new AuditRepository(h.db).query({ actions: ['alert.acknowledge'], outcome: 4 });
    expect(refused.map((e) => [e.actor.userName, e.outcomeDescription])).toEqual([['dr.late', 'already acknowledged by dr.attending']]);
  });

  it('does not escalate an alert acknowledged in time', async () => {
    h.startWorker(alertsConfig(receiver, 1));
    const analysisId = await h.analysis(perfusionResult(10, 60));
    await h.queue.enqueue('alert.evaluate', { analysisId });
    await receiver.waitUntil((r) => r.length >= 1);
    await new AlertsService({ db: h.db }).acknowledge(body(receiver.received[0]).id, by('dr.resident'));
    await sleep(1800);
    expect(receiver.received.map((r) => r.path)).toEqual(['/resident']);
  });

  it('pages the next step at once when a step refuses the alert, and fails an alert no step took', async () => {
    receiver.respond = (r) => (r.path === '/resident' ? 410 : 503);
    const alerts = alertsConfig(receiver, 60);
    const handlers = createAlertHandlers({ db: h.db, analyses: h.analyses, alerts, logger: silent });
    const analysisId = await h.analysis(perfusionResult(10, 60));
    const follow = await handlers['alert.evaluate']({ analysisId }, context);
    const alert = (await new AlertRepository(h.db).findByAnalysisId(analysisId))!;
    expect(follow).toEqual({ 'alert.escalate': [{ payload: { alertId: alert.id, level: 1 }, delayMs: 0, priority: 'stat' }] });
    expect(alert).toMatchObject({ state: 'pending', escalationLevel: 0, lastError: expect.stringContaining('HTTP 410') });
    await handlers['alert.escalate']({ alertId: alert.id, level: 1 }, context);
    await handlers['alert.escalate']({ alertId: alert.id, level: 2 }, context);
    expect(await new AlertRepository(h.db).findById(alert.id)).toMatchObject({
      state: 'failed',
      escalationLevel: 2,
      nextEscalationAt: null,
      lastError: expect.stringContaining('HTTP 503'),
    });
    expect(receiver.received.map((r) => r.path)).toEqual(['/resident', '/attending', '/attending', '/attending', '/chief', '/chief', '/chief']);
  });

  it('sends an update that refers to the first alert after a re-analysis, to everyone paged so far', async () => {
    const alerts = alertsConfig(receiver, 60);
    const handlers = createAlertHandlers({ db: h.db, analyses: h.analyses, alerts, logger: silent, ackLinks: h.ackLinks });
    const first = await h.analysis(perfusionResult(10, 60), { SeriesInstanceUID: '1.2.3.99' });
    await handlers['alert.evaluate']({ analysisId: first }, context);
    const root = (await new AlertRepository(h.db).findByAnalysisId(first))!;
    await handlers['alert.escalate']({ alertId: root.id, level: 1 }, context);
    // late images: the same series analysed again, a larger core
    const second = await h.analysis(perfusionResult(30, 90), { SeriesInstanceUID: '1.2.3.99', instances: 3 });
    expect(await handlers['alert.evaluate']({ analysisId: second }, context)).toEqual({});
    expect(await handlers['alert.evaluate']({ analysisId: second }, context)).toEqual({}); // a retried job
    const updates = receiver.received.slice(2);
    expect(updates.map((r) => r.path)).toEqual(['/resident', '/attending']);
    for (const u of updates.map(body)) {
      expect(u).toMatchObject({ kind: 'update', updatesAlertId: root.id, level: 'critical', results: { coreVolumeMl: 30, hypoperfusionVolumeMl: 90 } });
      expect(u.summary).toMatch(/^UPDATE after re-analysis: /);
    }
    // each update's link acknowledges the first alert, as paged at the step it went to
    expect(updates.map((u) => h.ackLinks.verify(body(u).links.acknowledge!.split('/ack/')[1]))).toEqual([
      expect.objectContaining({ alertId: root.id, step: 0, target: 'resident' }),
      expect.objectContaining({ alertId: root.id, step: 1, target: 'attending' }),
    ]);
    const rows = await new AlertRepository(h.db).list();
    expect(rows.filter((a) => !a.updatesAlertId)).toHaveLength(1);
    expect(rows.find((a) => a.analysisId === second)).toMatchObject({ updatesAlertId: root.id, state: 'sent', nextEscalationAt: null });
    // a third run that no longer meets a rule still tells the team, as an update of the same first alert
    const third = await h.analysis(perfusionResult(2, 5), { SeriesInstanceUID: '1.2.3.99', instances: 4 });
    await handlers['alert.evaluate']({ analysisId: third }, context);
    const cleared = body(receiver.received[receiver.received.length - 1]);
    expect(cleared).toMatchObject({ kind: 'update', updatesAlertId: root.id, level: 'info', rules: [] });
    expect(cleared.summary).toMatch(/criteria no longer met/);
    // acknowledging an update acknowledges the first alert
    const view = await new AlertsService({ db: h.db }).acknowledge(cleared.id, by('dr.x'));
    expect(view).toMatchObject({ id: root.id, state: 'acknowledged' });
  });

  it('with no targets configured (the default), records the alert for dashboards and sends nothing', async () => {
    const alerts = alertsConfig(receiver, 1, { teams: [{ id: 'stroke' }] });
    const handlers = createAlertHandlers({ db: h.db, analyses: h.analyses, alerts, logger: silent });
    const analysisId = await h.analysis(perfusionResult(10, 60));
    expect(await handlers['alert.evaluate']({ analysisId }, context)).toEqual({});
    expect(await new AlertRepository(h.db).findByAnalysisId(analysisId)).toMatchObject({ state: 'sent', escalationLevel: 0, nextEscalationAt: null });
    expect(receiver.received).toHaveLength(0);
  });
});

describe.each(DATABASE_KINDS)('alerts exactly once on %s', (kind) => {
  let receiver: WebhookReceiver;
  let h: AlertHarness;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    h = await AlertHarness.open(kind);
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  it('two workers evaluating and escalating the same alert at once page each step once', async () => {
    const alerts = alertsConfig(receiver, 60);
    const a = createAlertHandlers({ db: h.db, analyses: h.analyses, alerts, logger: silent });
    const b = createAlertHandlers({ db: h.db, analyses: h.analyses, alerts, logger: silent });
    const analysisId = await h.analysis(perfusionResult(10, 60));
    await Promise.all([a['alert.evaluate']({ analysisId }, context), b['alert.evaluate']({ analysisId }, context)]);
    const alert = (await new AlertRepository(h.db).findByAnalysisId(analysisId))!;
    await Promise.all([a['alert.escalate']({ alertId: alert.id, level: 1 }, context), b['alert.escalate']({ alertId: alert.id, level: 1 }, context)]);
    expect(receiver.received.map((r) => r.path)).toEqual(['/resident', '/attending']);
    expect(await new AlertRepository(h.db).list()).toHaveLength(1);
  });

  it.each([
    ['the delayed job kept in Redis', false],
    ['the delayed job lost with Redis', true],
  ])('a worker killed between alert and escalation escalates once after restart (%s)', async (_, redisLost) => {
    const alerts = alertsConfig(receiver, 1);
    h.startWorker(alerts);
    const analysisId = await h.analysis(perfusionResult(10, 60));
    await h.queue.enqueue('alert.evaluate', { analysisId });
    await receiver.waitUntil((r) => r.length >= 1);
    await sleep(150); // the page is recorded and the escalation scheduled
    const alertId = body(receiver.received[0]).id;
    if (redisLost) for (const q of Object.values(h.queue.queues)) await q.obliterate({ force: true });
    await h.stopWorkerAndDatabase();
    expect(receiver.received.map((r) => r.path)).toEqual(['/resident']);

    await h.reopenDatabase();
    const queue = h.startWorker(alerts);
    expect(await recoverPendingEscalations({ db: h.db, logger: silent, queue })).toEqual({ escalations: 1, unsent: 0 });
    expect(await recoverPendingEscalations({ db: h.db, logger: silent, queue })).toEqual({ escalations: 1, unsent: 0 }); // twice: still one job
    await receiver.waitUntil((r) => r.some((x) => x.path === '/attending'), 5000);
    await new AlertsService({ db: h.db }).acknowledge(alertId, by('dr.attending'));
    await sleep(1500);
    expect(receiver.received.map((r) => r.path)).toEqual(['/resident', '/attending']);
  });

  it('a worker killed after raising but before the first page pages once after restart', async () => {
    const alerts = alertsConfig(receiver, 60);
    const analysisId = await h.analysis(perfusionResult(10, 60));
    // the first life dies while sending: the alert row stays, no page is recorded, no job is left in Redis
    const dying = new WebhookChannel(alerts.webhook);
    dying.send = async () => {
      throw new Error('killed');
    };
    await expect(
      createAlertHandlers({ db: h.db, analyses: h.analyses, alerts, logger: silent, webhook: dying })['alert.evaluate']({ analysisId }, context),
    ).rejects.toThrow('killed');
    const alert = (await new AlertRepository(h.db).findByAnalysisId(analysisId))!;
    expect(alert).toMatchObject({ state: 'pending', escalationLevel: -1 });
    await h.db.destroy();
    await h.reopenDatabase();
    const queue = h.startWorker(alerts);
    expect(await recoverPendingEscalations({ db: h.db, logger: silent, queue })).toEqual({ escalations: 0, unsent: 1 });
    await receiver.waitUntil((r) => r.length >= 1);
    await sleep(300);
    expect(receiver.received.map((r) => [r.path, r.headers['x-nidus-delivery']])).toEqual([['/resident', `${alert.id}:0`]]);
    expect(await new AlertRepository(h.db).findById(alert.id)).toMatchObject({ state: 'sent', escalationLevel: 0 });
  });
});
