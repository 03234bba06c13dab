import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { get, IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { loadConfig } from '@nidus/config';
import { AlertEvent, AlertPayload, createAlertHandlers, RedisAlertBus } from '@nidus/delivery';
import { openSecurity, SecurityContext } from '@nidus/runtime';
import { alertsConfig, perfusionResult, REDIS_URL, silent, WebhookReceiver } from '@nidus/testing';
import { AlertHarness } from '@nidus/testing/alerts';
import { SecurityModule } from '../security/security.module';
import { AlertsController } from './alerts.controller';
import { AlertsModule } from './alerts.module';

/** A Server-Sent Events client on a real socket: collects parsed events. */
class EventStreamClient {
  readonly events: { event: string; data: AlertEvent }[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private response!: IncomingMessage;
  private requestDone!: () => void;

  static open(url: string, token: string): Promise<EventStreamClient> {
    const client = new EventStreamClient();
    return new Promise((resolve, reject) => {
      const req = get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        client.response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        resolve(client);
      });
      req.on('error', reject);
      client.requestDone = () => req.destroy();
    });
  }

  get headers() {
    return this.response.headers;
  }

  private feed(chunk: string) {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
      if (event && data) this.events.push({ event, data: JSON.parse(data) });
      for (const l of lines) if (l.startsWith(':')) this.comments.push(l);
    }
  }

  async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`event stream: not seen within ${timeoutMs} ms (got ${this.events.map((e) => e.event).join(', ') || 'nothing'})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close() {
    this.requestDone();
  }
}

const context = { attempt: 1, jobId: 'a', followUp: async () => undefined };

describe(AlertsController.name, () => {
  let h: AlertHarness;
  let receiver: WebhookReceiver;
  let app: INestApplication;
  let gatewayBus: RedisAlertBus;
  let workerBus: RedisAlertBus;
  let security: SecurityContext;
  let base: string;
  const tokens: Record<string, string> = {};
  const auth = (role: string) => ({ Authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    h = await AlertHarness.open('sqlite');
    receiver = await WebhookReceiver.start();
    gatewayBus = new RedisAlertBus(REDIS_URL, h.prefix);
    workerBus = new RedisAlertBus(REDIS_URL, h.prefix);
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'nidus-alerts-api-')) });
    security = openSecurity(config, h.db, silent);
    for (const role of ['stroke', 'viewer'] as const) tokens[role] = (await security.tokens.create({ name: `${role} token`, role, createdBy: 'test' })).token;
    @Module({
      imports: [
        SecurityModule.forRoot({ security, db: h.db, config, logger: silent }),
        AlertsModule.forRoot({ dataSource: h.db, bus: gatewayBus, heartbeatSeconds: 0.2, audit: security.audit, ackLinks: security.ackLinks }),
      ],
    })
    class AlertsApiModule {}
    app = await NestFactory.create(AlertsApiModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await gatewayBus?.close();
    await workerBus?.close();
    await h?.close();
    await receiver?.close();
  });

  /** A worker that raises and pages with acknowledge links signed by the gateway's own key. */
  const worker = () =>
    createAlertHandlers({ db: h.db, analyses: h.analyses, alerts: alertsConfig(receiver, 60), logger: silent, bus: workerBus, ackLinks: security.ackSigner });

  it('streams what a worker raises and pages, lists it, and takes one acknowledgement', async () => {
    const earlier = await h.analysis(perfusionResult(10, 60));
    await worker()['alert.evaluate']({ analysisId: earlier }, context);

    const stream = await EventStreamClient.open(`${base}/api/alerts/stream`, tokens.stroke);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    await stream.waitFor(() => stream.events.some((e) => e.event === 'alert.open'));
    const open = stream.events.find((e) => e.event === 'alert.open')!.data.alert;
    expect(open).toMatchObject({ analysisId: earlier, state: 'sent', level: 'critical', team: 'stroke' });

    const analysisId = await h.analysis(perfusionResult(20, 100));
    await worker()['alert.evaluate']({ analysisId }, context);
    await stream.waitFor(() => stream.events.filter((e) => e.data.alert.analysisId === analysisId).length >= 2);
    const live = stream.events.filter((e) => e.data.alert.analysisId === analysisId);
    expect(live.map((e) => [e.event, e.data.alert.state])).toEqual([
      ['alert.raised', 'pending'],
      ['alert.paged', 'sent'],
    ]);
    expect(live[1].data.alert.content).toMatchObject({ results: { coreVolumeMl: 20, hypoperfusionVolumeMl: 100 }, study: { AccessionNumber: 'ACC-778899' } });
    const alertId = live[0].data.alert.id;
    await stream.waitFor(() => stream.comments.length > 0, 2000);

    const listed = await request(base).get('/api/alerts?state=sent').set(auth('stroke')).expect(200);
    expect(listed.body.alerts.map((a: { id: string }) => a.id)).toContain(alertId);
    await request(base).get('/api/alerts?state=lost').set(auth('stroke')).expect(400);

    const acked = await request(base).post(`/api/alerts/${alertId}/ack`).set(auth('stroke')).send({}).expect(200);
    expect(acked.body).toMatchObject({ id: alertId, state: 'acknowledged', acknowledgedBy: 'stroke token', nextEscalationAt: null });
    const again = await request(base).post(`/api/alerts/${alertId}/ack`).set(auth('stroke')).send({}).expect(409);
    expect(again.body).toMatchObject({ acknowledgedBy: 'stroke token' });
    await request(base).post('/api/alerts/00000000-0000-0000-0000-000000000000/ack').set(auth('stroke')).send({}).expect(404);
    await stream.waitFor(() => stream.events.some((e) => e.event === 'alert.acknowledged' && e.data.alert.id === alertId));

    const one = await request(base).get(`/api/alerts/${alertId}`).set(auth('stroke')).expect(200);
    expect(one.body).toMatchObject({ id: alertId, state: 'acknowledged', updates: [] });
    const acknowledged = await request(base).get('/api/alerts?state=acknowledged').set(auth('stroke')).expect(200);
    expect(acknowledged.body.alerts.map((a: { id: string }) => a.id)).toEqual([alertId]);
    stream.close();
  });

  it('lets nobody read alerts without a token, nor a role that may not', async () => {
    for (const path of ['/api/alerts', '/api/alerts/stream', '/api/alerts/00000000-0000-0000-0000-000000000000']) {
      const anonymous = await request(base).get(path).expect(401);
      expect(anonymous.body).toEqual({ statusCode: 401, error: 'Unauthorized' });
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="nidus"');
      const viewer = await request(base).get(path).set(auth('viewer')).expect(403);
      expect(viewer.body.message).toBe('role viewer may not see alerts (needs stroke)');
    }
  });

  it('records the acknowledging identity from authentication, never a name in the body ("Dr. Nobody")', async () => {
    const analysisId = await h.analysis(perfusionResult(15, 80));
    await worker()['alert.evaluate']({ analysisId }, context);
    const alertId = (await request(base).get('/api/alerts?state=sent').set(auth('stroke')).expect(200)).body.alerts[0].id as string;
    // anonymous: refused, the alert stays open, and no audit row names the claimed person
    await request(base).post(`/api/alerts/${alertId}/ack`).send({ by: 'Dr. Nobody' }).expect(401);
    await request(base).post(`/api/alerts/${alertId}/ack`).set(auth('viewer')).send({ by: 'Dr. Nobody' }).expect(403);
    expect((await request(base).get(`/api/alerts/${alertId}`).set(auth('stroke')).expect(200)).body.state).toBe('sent');
    // with a stroke token: acknowledged as the token, whatever the body says
    const acked = await request(base).post(`/api/alerts/${alertId}/ack`).set(auth('stroke')).send({ by: 'Dr. Nobody' }).expect(200);
    expect(acked.body.acknowledgedBy).toBe('stroke token');
    const trail = await security.auditLog.query({ actions: ['alert.acknowledge'] });
    const row = trail.find((e) => e.objects.some((o) => o.id === alertId))!;
    expect(row).toMatchObject({ outcome: 0, actor: { userName: 'stroke token', roles: ['stroke'], method: 'api-token', address: expect.any(String) } });
    expect(row.actor.userId).toMatch(/^token:[0-9a-f-]{36}$/);
    expect(JSON.stringify(await security.auditLog.query({ limit: 1000 }))).not.toContain('Dr. Nobody');
  });

  it('acknowledges once through the signed link of a page: GET only shows, POST acknowledges as the paged step', async () => {
    const analysisId = await h.analysis(perfusionResult(12, 70));
    receiver.received.length = 0;
    const handlers = worker();
    await handlers['alert.evaluate']({ analysisId }, context);
    await handlers['alert.escalate']({ alertId: JSON.parse(receiver.received[0].body).id, level: 1 }, context);
    const pages = receiver.received.map((r) => JSON.parse(r.body) as AlertPayload);
    expect(pages.map((p) => p.page.target)).toEqual(['resident', 'attending']);
    const link = (p: AlertPayload) => p.links.acknowledge!.replace('https://nidus.example.org', '');
    expect(link(pages[1])).toMatch(/^\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);

    // a link previewer fetching the link acknowledges nothing
    const shown = await request(base).get(link(pages[1])).expect(200);
    expect(shown.headers['content-type']).toMatch(/^text\/html/);
    expect(shown.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(shown.text).toContain('<form method="post"');
    expect(shown.text).toContain('escalation step 2');
    const json = await request(base).get(link(pages[1])).set('Accept', 'application/json').expect(200);
    expect(json.body).toMatchObject({ alert: { id: pages[1].id, state: 'sent' }, link: { step: 1, target: 'attending' } });

    // a form posted from another site is refused; a forged link is refused and counted
    await request(base).post(link(pages[1])).set('Origin', 'https://evil.example').set('Accept', 'application/json').expect(403);
    const forged = link(pages[1]).replace(/.(?=\.)/, (c) => (c === 'A' ? 'B' : 'A'));
    await request(base).post(forged).set('Accept', 'application/json').expect(401);

    const acked = await request(base).post(link(pages[1])).set('Accept', 'application/json').expect(200);
    expect(acked.body).toMatchObject({ id: pages[1].id, state: 'acknowledged', acknowledgedBy: 'attending (escalation step 1)' });
    // used: the same link, or the other step's, now says who acknowledged
    const again = await request(base).post(link(pages[1])).set('Accept', 'application/json').expect(409);
    expect(again.body.acknowledgedBy).toBe('attending (escalation step 1)');
    expect((await request(base).post(link(pages[0])).expect(409)).text).toContain('Acknowledged by attending (escalation step 1)');

    const [row] = await security.auditLog.query({ actions: ['alert.acknowledge'], outcome: 0, limit: 1 });
    expect(row.actor).toMatchObject({ userId: 'ack:attending', method: 'ack-link' });
    expect(row.objects[0]).toMatchObject({ id: pages[1].id, detail: { step: '1', target: 'attending' } });
    expect((await security.auditLog.query({ actions: ['auth.failure'], limit: 5 })).map((e) => e.outcomeDescription)).toContain(
      'acknowledgement link signature invalid',
    );
  });
});
