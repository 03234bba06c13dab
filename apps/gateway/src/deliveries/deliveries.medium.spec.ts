import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@nidus/config';
import { generateUid, readPart10, writePart10 } from '@nidus/dicom';
import { JobQueue } from '@nidus/jobs';
import { AnalysisRepository, DeliveryRepository, ResultFileStore, ResultObjectRepository } from '@nidus/persistence';
import { startWorker } from '@nidus/pipeline';
import { AppContext, closeAppContext, openAppContext } from '@nidus/runtime';
import { freePort, sleep, startStorescp, StorescpHandle, syntheticCtElements, waitUntil, WebhookReceiver, writeNidusConfig } from '@nidus/testing';
import { RunningGateway, startGateway } from '../gateway';

// Result delivery against a real DICOM receiver (dcmtk storescp) that goes away and comes back, through the real
// worker, queue (Redis) and database (SQLite), watched over the gateway's HTTP API and metrics.

const SECRET = 'operations-secret-0123456789abcdef';
// shortened by configuration: 0.2 s doubling to 0.5 s apart, for a minute; the old queue-wide default gave up after 6 tries
const RETRY = { initialBackoffSeconds: 0.2, maxBackoffSeconds: 0.5, backoffFactor: 2, retryForSeconds: 60, jitter: 0 };
const OLD_TRIES = 6;

interface Setup {
  dir: string;
  context: AppContext;
  gateway: RunningGateway;
  worker: { close: () => Promise<void> };
  ops: WebhookReceiver;
  admin: string;
  integration: string;
  viewer: string;
}

async function setup(name: string, targets: unknown[]): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), `nidus-${name}-`));
  const ops = await WebhookReceiver.start({ secret: SECRET });
  const configFile = writeNidusConfig(dir, {
    delivery: { targets, ...RETRY },
    operations: { webhooks: [{ name: 'ops', url: ops.url('/ops'), secret: SECRET }] },
  });
  const config = loadConfig({
    DATA_DIR: join(dir, 'data'),
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    DICOM_PORT: '0',
    LOG_LEVEL: 'silent',
    NIDUS_CONFIG: configFile,
  });
  const context = await openAppContext(config, { queuePrefix: `nidus-${name}-${randomBytes(4).toString('hex')}` });
  const gateway = await startGateway(context);
  const worker = await startWorker(context);
  const { token: admin } = await context.security.tokens.create({ name: 'ops admin', role: 'admin', createdBy: 'test' });
  const { token: integration } = await context.security.tokens.create({ name: 'pacs push', role: 'integration', createdBy: 'test' });
  const { token: viewer } = await context.security.tokens.create({ name: 'viewer', role: 'viewer', createdBy: 'test' });
  return { dir, context, gateway, worker, ops, admin, integration, viewer };
}

async function teardown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  await s.gateway.close();
  await s.worker.close();
  const queue: JobQueue = s.context.queue;
  for (const q of Object.values(queue.queues)) await q.obliterate({ force: true }).catch(() => undefined);
  await closeAppContext(s.context);
  await s.ops.close();
  rmSync(s.dir, { recursive: true, force: true });
}

/** `count` result objects of one analysis, stored and queued for every target as analysis.run does. */
async function queueResults(s: Setup, count: number, targetId: string): Promise<{ StudyInstanceUID: string; uids: string[] }> {
  const StudyInstanceUID = generateUid();
  const SeriesInstanceUID = generateUid();
  // the source image, stored as a PACS would (STOW-RS), so /api/studies knows the study
  const source = generateUid();
  const boundary = 'b0undary';
  const part = writePart10(syntheticCtElements(0, { rows: 8, columns: 8, StudyInstanceUID, SeriesInstanceUID: source }));
  const stow = await fetch(`${s.gateway.url}/dicomweb/studies`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.integration}`, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
    body: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), part, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  });
  expect(stow.status).toBe(200);
  const { analysis } = await new AnalysisRepository(s.context.db).createOnce({
    inputKey: randomBytes(16).toString('hex'),
    StudyInstanceUID,
    SeriesInstanceUID: source,
    kind: 'ctp',
    priority: 'stat',
    instanceCount: count,
  });
  const files = new ResultFileStore(s.context.config.dataDir);
  const results = new ResultObjectRepository(s.context.db);
  const deliveries = new DeliveryRepository(s.context.db);
  const uids: string[] = [];
  for (let i = 0; i < count; i++) {
    const elements = syntheticCtElements(i, { rows: 8, columns: 8, StudyInstanceUID, SeriesInstanceUID });
    const SOPInstanceUID = elements.SOPInstanceUID as string;
    const path = files.write(analysis.id, 'sc', SOPInstanceUID, writePart10(elements));
    await results.recordOnce({ SOPInstanceUID, analysisId: analysis.id, kind: 'sc', SOPClassUID: elements.SOPClassUID as string, SeriesInstanceUID, path });
    uids.push(SOPInstanceUID);
  }
  await deliveries.plan(uids.map((SOPInstanceUID) => ({ SOPInstanceUID, targetId, analysisId: analysis.id, StudyInstanceUID })));
  for (const SOPInstanceUID of uids) await s.context.queue.enqueue('results.deliver', { analysisId: analysis.id, SOPInstanceUID, targetId });
  return { StudyInstanceUID, uids };
}

async function api(s: Setup, path: string, init: RequestInit = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.gateway.url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${s.admin}`, 'Content-Type': 'application/json', ...init.headers },
  });
  return { status: res.status, json: await res.json() };
}

async function metric(s: Setup, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${s.gateway.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.split(' ')[1]);
}

/** SOP Instance UIDs of the files storescp wrote (unique file names: a second copy is a second file). */
function received(folder: string): string[] {
  return readdirSync(folder).map((f) => readPart10(readFileSync(join(folder, f))).string('SOPInstanceUID')!);
}

describe('result delivery', () => {
  let s: Setup;
  let away: StorescpHandle | undefined;
  let refusing: StorescpHandle;
  let awayPort: number;
  let refusingPort: number;

  beforeAll(async () => {
    awayPort = await freePort();
    refusingPort = await freePort();
    refusing = await startStorescp(tmpdir(), { port: refusingPort, extraArgs: ['--refuse'] });
    s = await setup('deliveries', [
      { id: 'pacs', type: 'c-store', host: '127.0.0.1', port: awayPort, calledAETitle: 'STORESCP' },
      { id: 'archive', type: 'c-store', host: '127.0.0.1', port: refusingPort, calledAETitle: 'STORESCP' },
    ]);
  });
  afterAll(async () => {
    await away?.stop();
    await refusing?.stop();
    await teardown(s);
  });

  it('to a PACS away longer than the old retry window: keeps trying and says so, then brings every object exactly once when it is back', async () => {
    const { StudyInstanceUID, uids } = await queueResults(s, 5, 'pacs');
    const deliveries = new DeliveryRepository(s.context.db);

    // away: tried again and again, past the old six tries, each try recorded with its error, nothing failed
    await waitUntil(
      'more tries than the old window allowed',
      async () => (await deliveries.list({ StudyInstanceUID })).every((d) => d.attempts > OLD_TRIES + 2),
      30_000,
    );
    const listing = await api(s, `/api/deliveries?StudyInstanceUID=${StudyInstanceUID}`);
    expect(listing.status).toBe(200);
    expect(listing.json.total).toBe(5);
    for (const d of listing.json.deliveries) {
      expect(d).toMatchObject({ targetId: 'pacs', state: expect.stringMatching(/^(waiting|pending)$/), StudyInstanceUID });
      expect(d.lastError).toMatch(/ECONNREFUSED/);
    }
    const study = await fetch(`${s.gateway.url}/api/studies/${StudyInstanceUID}`, { headers: { Authorization: `Bearer ${s.viewer}` } });
    const shown = ((await study.json()) as { series: { analyses: { deliveries: { SOPInstanceUID: string }[] }[] }[] }).series[0].analyses[0].deliveries;
    expect(shown.map((d: { SOPInstanceUID: string }) => d.SOPInstanceUID).sort()).toEqual([...uids].sort());
    expect(shown[0]).toMatchObject({ targetId: 'pacs', attempts: expect.any(Number), lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect(await metric(s, 'nidus_deliveries_waiting{target="pacs"}')).toBeGreaterThanOrEqual(5);
    expect(await metric(s, 'nidus_deliveries_failed{target="pacs"}')).toBeUndefined();
    expect(s.ops.calls('/ops')).toEqual([]);

    // back on the same port: every object arrives within the capped backoff, once
    mkdirSync(join(s.dir, 'pacs'));
    away = await startStorescp(join(s.dir, 'pacs'), { accept: 'uncompressed', port: awayPort, extraArgs: ['--unique-filenames'] });
    const back = Date.now();
    await waitUntil('all delivered', async () => (await deliveries.list({ StudyInstanceUID, state: 'delivered' })).length === 5, 10_000);
    expect(Date.now() - back).toBeLessThan(5000);
    await sleep(1500); // a duplicate would come within this
    expect(received(join(s.dir, 'pacs')).sort()).toEqual([...uids].sort());
    const results = new ResultObjectRepository(s.context.db);
    for (const uid of uids) {
      expect((await results.attempts(uid)).filter((a) => a.outcome === 'delivered')).toHaveLength(1);
      expect((await results.find(uid))?.deliveryState).toBe('delivered');
    }
    expect(await metric(s, 'nidus_deliveries_waiting{target="pacs"}')).toBeUndefined();
    expect(await metric(s, 'nidus_deliveries_total{target="pacs",outcome="delivered"}')).toBe(5);
  });

  it('to a PACS that refuses: fails for good at once, tells operations, counts no retry, and resends on request', async () => {
    const { StudyInstanceUID, uids } = await queueResults(s, 2, 'archive');
    const deliveries = new DeliveryRepository(s.context.db);
    await waitUntil('both failed', async () => (await deliveries.list({ StudyInstanceUID, state: 'failed' })).length === 2, 15_000);
    for (const d of await deliveries.list({ StudyInstanceUID })) expect(d).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/rejected/) });

    await s.ops.waitUntil((r) => r.length === 2, 10_000);
    for (const call of s.ops.calls('/ops')) {
      expect(call.signatureValid).toBe(true);
      expect(call.headers['x-nidus-event']).toBe('delivery.failed');
      expect(call.json).toMatchObject({ event: 'delivery.failed', targetId: 'archive', StudyInstanceUID, attempts: 1, reason: 'rejected' });
    }
    expect(
      s.ops
        .calls('/ops')
        .map((c) => c.json.SOPInstanceUID)
        .sort(),
    ).toEqual([...uids].sort());
    expect(await metric(s, 'nidus_deliveries_failed{target="archive"}')).toBe(2);
    expect(await metric(s, 'nidus_deliveries_total{target="archive",outcome="rejected"}')).toBe(2);
    expect(await metric(s, 'nidus_deliveries_total{target="archive",outcome="retry"}')).toBeUndefined();
    const failedOnly = await api(s, '/api/deliveries?state=failed&targetId=archive');
    expect(failedOnly.json.deliveries.map((d: { SOPInstanceUID: string }) => d.SOPInstanceUID).sort()).toEqual([...uids].sort());
    expect((await api(s, '/api/deliveries?offset=1e20')).status).toBe(400);

    // the PACS is fixed: resend what failed
    await refusing.stop();
    mkdirSync(join(s.dir, 'archive'));
    refusing = await startStorescp(join(s.dir, 'archive'), { accept: 'uncompressed', port: refusingPort, extraArgs: ['--unique-filenames'] });
    const resent = await api(s, '/api/deliveries/resend', { method: 'POST', body: JSON.stringify({ state: 'failed', StudyInstanceUID }) });
    expect(resent.status).toBe(202);
    expect(resent.json.resent).toBe(2);
    await waitUntil('both delivered', async () => (await deliveries.list({ StudyInstanceUID, state: 'delivered' })).length === 2, 10_000);
    // a second resend finds nothing to send: delivered objects are never sent again
    expect((await api(s, '/api/deliveries/resend', { method: 'POST', body: JSON.stringify({ StudyInstanceUID }) })).json.resent).toBe(0);
    await sleep(500);
    expect(received(join(s.dir, 'archive')).sort()).toEqual([...uids].sort());
    expect(await metric(s, 'nidus_deliveries_failed{target="archive"}')).toBeUndefined();
  });
});
