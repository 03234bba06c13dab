import 'reflect-metadata';
import { get, IncomingMessage } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AlertEvent, createAlertHandlers, RedisAlertBus } from '@nidus/delivery';
import { AlertHarness, alertsConfig, perfusionResult, REDIS_URL, silent, WebhookReceiver } from '@nidus/testing';
import { AlertsController } from './alerts.controller';
import { AlertsModule } from './alerts.module';

/** A Server-Sent Events client on a real socket: collects parsed events. */
class EventStreamClient {
  readonly events: { event: string; data: AlertEvent }[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private response!: IncomingMessage;
  private requestDone!: () => void;

  static open(url: string): Promise<EventStreamClient> {
    const client = new EventStreamClient();
    return new Promise((resolve, reject) => {
      const req = get(url, (res) => {
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

describe(AlertsController.name, () => {
  let h: AlertHarness;
  let receiver: WebhookReceiver;
  let app: INestApplication;
  let gatewayBus: RedisAlertBus;
  let workerBus: RedisAlertBus;
  let base: string;

  beforeAll(async () => {
    h = await AlertHarness.open('sqlite');
    receiver = await WebhookReceiver.start();
    gatewayBus = new RedisAlertBus(REDIS_URL, h.prefix);
    workerBus = new RedisAlertBus(REDIS_URL, h.prefix);
    app = await NestFactory.create(AlertsModule.forRoot({ dataSource: h.db, bus: gatewayBus, heartbeatSeconds: 0.2 }), { logger: false });
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

  it('streams what a worker raises and pages, lists it, and takes one acknowledgement', async () => {
    const alerts = alertsConfig(receiver, 60);
    const worker = createAlertHandlers({ db: h.db, analyses: h.analyses, alerts, logger: silent, bus: workerBus });
    const earlier = await h.analysis(perfusionResult(10, 60));
    await worker['alert.evaluate']({ analysisId: earlier }, { attempt: 1, jobId: 'a', followUp: async () => undefined });

    const stream = await EventStreamClient.open(`${base}/api/alerts/stream`);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    await stream.waitFor(() => stream.events.some((e) => e.event === 'alert.open'));
    const open = stream.events.find((e) => e.event === 'alert.open')!.data.alert;
    expect(open).toMatchObject({ analysisId: earlier, state: 'sent', level: 'critical', team: 'stroke' });

    const analysisId = await h.analysis(perfusionResult(20, 100));
    await worker['alert.evaluate']({ analysisId }, { attempt: 1, jobId: 'b', followUp: async () => undefined });
    await stream.waitFor(() => stream.events.filter((e) => e.data.alert.analysisId === analysisId).length >= 2);
    const live = stream.events.filter((e) => e.data.alert.analysisId === analysisId);
    expect(live.map((e) => [e.event, e.data.alert.state])).toEqual([
      ['alert.raised', 'pending'],
      ['alert.paged', 'sent'],
    ]);
    expect(live[1].data.alert.content).toMatchObject({ results: { coreVolumeMl: 20, hypoperfusionVolumeMl: 100 }, study: { AccessionNumber: 'ACC-778899' } });
    const alertId = live[0].data.alert.id;
    await stream.waitFor(() => stream.comments.length > 0, 2000);

    const listed = await request(base).get('/api/alerts?state=sent').expect(200);
    expect(listed.body.alerts.map((a: { id: string }) => a.id)).toContain(alertId);
    await request(base).get('/api/alerts?state=lost').expect(400);

    await request(base).post(`/api/alerts/${alertId}/ack`).send({}).expect(400);
    const acked = await request(base).post(`/api/alerts/${alertId}/ack`).send({ by: 'dr.strange' }).expect(200);
    expect(acked.body).toMatchObject({ id: alertId, state: 'acknowledged', acknowledgedBy: 'dr.strange', nextEscalationAt: null });
    const again = await request(base).post(`/api/alerts/${alertId}/ack`).send({ by: 'dr.late' }).expect(409);
    expect(again.body).toMatchObject({ acknowledgedBy: 'dr.strange' });
    await request(base).post('/api/alerts/00000000-0000-0000-0000-000000000000/ack').send({ by: 'x' }).expect(404);
    await stream.waitFor(() => stream.events.some((e) => e.event === 'alert.acknowledged' && e.data.alert.id === alertId));

    const one = await request(base).get(`/api/alerts/${alertId}`).expect(200);
    expect(one.body).toMatchObject({ id: alertId, state: 'acknowledged', updates: [] });
    const acknowledged = await request(base).get('/api/alerts?state=acknowledged').expect(200);
    expect(acknowledged.body.alerts.map((a: { id: string }) => a.id)).toEqual([alertId]);
    stream.close();
  });
});
