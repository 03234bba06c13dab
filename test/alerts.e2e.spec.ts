import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushRedisDatabase, redisUrlForDatabase, sleep, storescu, waitUntil, WebhookReceiver, writeNidusConfig } from '@nidus/testing';
import { generateHeadPhantom, PatientSide, writePhantomSeries, freePort, NidusServer, startNidus } from '@nidus/testing';

// Issue 7 end to end through the real service: images by C-STORE into `nidus serve`, the shipped alert rule,
// a signed webhook per on-call step, escalation on a 2 s acknowledge timeout, acknowledgement over the REST API,
// and a SIGKILL of the service between two pages.

const REDIS_DB = 6; // this file's own Redis database: `nidus serve` uses the default queue prefix
const SECRET = 'e2e-alerts-shared-secret-0123456789';
const ACK_TIMEOUT_S = 2;
const STEPS = ['/resident', '/attending', '/chief'] as const;
const TIMES = Array.from({ length: 28 }, (_, i) => i * 1.6);
const PATIENT_NAME = 'Alert^Patient';
const PATIENT_ID = 'ALERT-PID-7';

interface AlertApiView {
  id: string;
  state: string;
  escalationLevel: number;
  nextEscalationAt: string | null;
  acknowledgedBy: string | null;
  content: { study: { StudyInstanceUID: string } };
}

function writeStudy(dir: string, seed: number, side: PatientSide | null) {
  const phantom = generateHeadPhantom({ seed, columns: 96, rows: 96, slices: 6, timesSeconds: TIMES, noiseHu: 6, lesion: side ? { side } : null });
  const series = writePhantomSeries(phantom.volume, join(dir, `study-${seed}`), {
    PatientName: PATIENT_NAME,
    PatientID: PATIENT_ID,
    AccessionNumber: `ACC-${seed}`,
  });
  return { phantom, series };
}

async function alerts(nidus: NidusServer): Promise<AlertApiView[]> {
  const res = await fetch(`${nidus.url}/api/alerts`, { headers: { Authorization: `Bearer ${await nidus.token('stroke')}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { alerts: AlertApiView[] }).alerts;
}

/** Distinct pages (X-Nidus-Delivery: `<alertId>:<step>`) a path received: retries of one page count once. */
function pages(receiver: WebhookReceiver, path: string): string[] {
  return [...new Set(receiver.calls(path).map((c) => String(c.headers['x-nidus-delivery'])))];
}

describe('alerts through nidus serve', () => {
  let dir: string;
  let receiver: WebhookReceiver;
  let running: NidusServer[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-alerts-e2e-'));
    await flushRedisDatabase(REDIS_DB);
    receiver = await WebhookReceiver.start({ secret: SECRET });
  });
  afterEach(async () => {
    for (const n of running) if (n.process.exitCode === null && n.process.signalCode === null) await n.stop();
    running = [];
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `nidus serve` on this case's DATA_DIR and Redis database, with a three-step on-call chain. */
  async function serve(httpPort: number): Promise<NidusServer> {
    const config = writeNidusConfig(dir, {
      alerts: {
        // the shipped rule (DEFUSE 3 or EXTEND eligible, or Tmax > 6 s >= 15 mL) pages team `stroke`
        teams: [
          {
            id: 'stroke',
            name: 'Stroke team',
            onCall: STEPS.map((path) => ({
              name: `stroke${path.replace('/', '-')}`,
              url: receiver.url(path),
              secret: SECRET,
              ackTimeoutSeconds: ACK_TIMEOUT_S,
            })),
          },
        ],
        publicBaseUrl: `http://127.0.0.1:${httpPort}`,
      },
    });
    const nidus = await startNidus({
      DATA_DIR: join(dir, 'data'),
      REDIS_URL: redisUrlForDatabase(REDIS_DB),
      NIDUS_CONFIG: config,
      STABLE_AFTER_SECONDS: '2',
      HTTP_PORT: String(httpPort),
    });
    running.push(nidus);
    await nidus.token('stroke'); // made now (nidus tokens create), not in the middle of a timed escalation
    return nidus;
  }

  it('pages the first step with signed numbers, escalates after the acknowledge timeout, and stops on acknowledgement', async () => {
    const { phantom, series } = writeStudy(dir, 31, 'left');
    const nidus = await serve(await freePort());
    const sent = await storescu({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });

    const first = await receiver.waitForCall('/resident', 1, 40_000);
    console.log(`alert e2e: first page ${((first.at - sent.exitedAt) / 1000).toFixed(2)} s after storescu exit (quiet period 2 s)`);
    expect(first.signatureValid).toBe(true);
    expect(first.headers['x-nidus-event']).toBe('alert');
    const payload = first.json;
    expect(payload).toMatchObject({
      schema: 'nidus.alert/1',
      kind: 'alert',
      level: 'critical',
      team: { id: 'stroke', name: 'Stroke team' },
      rules: ['stroke-treatable-perfusion'],
      study: { StudyInstanceUID: series.StudyInstanceUID, SeriesInstanceUID: series.SeriesInstanceUID, AccessionNumber: 'ACC-31' },
      page: { step: 0, steps: 3, target: 'stroke-resident' },
    });
    // the acknowledge link carries a signed single-use token, so the paged clinician needs no sign-in
    expect(payload.links.acknowledge).toMatch(new RegExp(`^${nidus.url}/ack/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    // the analysis numbers, close to the phantom's truth
    const results = payload.results as Record<string, unknown>;
    expect(results.affectedHemisphere).toBe('left');
    expect(results.hypoperfusionVolumeMl as number).toBeGreaterThan(0.7 * phantom.truth.volumes.hypoperfusionVolumeMl);
    expect(results.hypoperfusionVolumeMl as number).toBeLessThan(1.3 * phantom.truth.volumes.hypoperfusionVolumeMl);
    expect(typeof results.coreVolumeMl).toBe('number');
    expect(results.mismatchVolumeMl as number).toBeCloseTo((results.hypoperfusionVolumeMl as number) - (results.coreVolumeMl as number), 0);
    expect(results.eligibility).toEqual({ defuse3: expect.any(Boolean), extend: expect.any(Boolean) });
    expect(payload.summary).toMatch(/^CRITICAL: .*Tmax>6s \d+(\.\d)? mL/);
    expect(payload.image.mediaType).toBe('image/png');
    expect(Buffer.from(payload.image.base64, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
    // the least patient information that lets the team act (defaults): no name, no patient id
    expect(first.body).not.toContain('Alert^Patient');
    expect(first.body).not.toContain(PATIENT_ID);

    // nobody acknowledges: the second step is paged after the 2 s timeout
    const second = await receiver.waitForCall('/attending', 1, 10_000);
    const gap = (second.at - first.at) / 1000;
    console.log(`alert e2e: second step paged ${gap.toFixed(2)} s after the first (timeout ${ACK_TIMEOUT_S} s)`);
    expect(gap).toBeGreaterThanOrEqual(ACK_TIMEOUT_S - 0.05);
    expect(gap).toBeLessThan(ACK_TIMEOUT_S + 1.5);
    expect(second.signatureValid).toBe(true);
    expect(second.json).toMatchObject({ id: payload.id, page: { step: 1, target: 'stroke-attending' }, results });

    // acknowledged through the link in the second page: a GET (a link preview) does nothing, the POST acknowledges
    // as the step it was sent to; no third page, and the first page's link then finds it acknowledged
    const link = second.json.links.acknowledge as string;
    expect((await fetch(link, { headers: { Accept: 'application/json' } })).status).toBe(200);
    const ack = await fetch(link, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({
      id: payload.id,
      state: 'acknowledged',
      acknowledgedBy: 'stroke-attending (escalation step 1)',
      escalationLevel: 1,
    });
    const again = await fetch(payload.links.acknowledge, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(again.status).toBe(409);
    await sleep((ACK_TIMEOUT_S + 2) * 1000);
    expect(receiver.calls('/chief')).toHaveLength(0);
    expect(STEPS.map((p) => pages(receiver, p).length)).toEqual([1, 1, 0]);
    expect(await alerts(nidus)).toEqual([
      expect.objectContaining({ id: payload.id, state: 'acknowledged', acknowledgedBy: 'stroke-attending (escalation step 1)', nextEscalationAt: null }),
    ]);
  }, 60_000);

  it('raises no alert for a healthy brain', async () => {
    const { series } = writeStudy(dir, 32, null);
    const nidus = await serve(await freePort());
    await storescu({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });
    // the analysis succeeded (the service says so in its log), and a few seconds later nobody was paged
    const done = await waitUntil(
      'the analysis of the healthy series',
      () =>
        nidus
          .stderr()
          .split('\n')
          .filter((line) => line.includes(series.SeriesInstanceUID))
          .map((line) => JSON.parse(line) as { msg: string })
          .find((entry) => /^analysis (succeeded|failed)$/.test(entry.msg)),
      40_000,
    );
    expect(done.msg).toBe('analysis succeeded');
    await sleep(3000);
    expect(receiver.received).toHaveLength(0);
    expect(await alerts(nidus)).toEqual([]);
    const metrics = await (await fetch(`${nidus.url}/metrics`)).text();
    expect(metrics).toMatch(/^nidus_analyses_total\{[^}]*status="succeeded"[^}]*\} 1$/m);
  }, 60_000);

  it('escalates exactly once when the service is killed (SIGKILL) between two pages and started again', async () => {
    const { series } = writeStudy(dir, 33, 'right');
    const httpPort = await freePort();
    const before = await serve(httpPort);
    await storescu({ port: before.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });
    const first = await receiver.waitForCall('/resident', 1, 40_000);
    // the first page is recorded (next escalation due): kill the service without any chance to clean up
    const recorded = await waitUntil(
      'the first page recorded',
      async () => (await alerts(before)).find((a) => a.escalationLevel === 0 && a.nextEscalationAt !== null),
      5000,
      20,
    );
    before.process.kill('SIGKILL');
    await new Promise((r) => before.process.once('exit', r));
    const after = await serve(httpPort);

    const second = await receiver.waitForCall('/attending', 1, 15_000);
    expect(second.json).toMatchObject({ id: first.json.id, page: { step: 1 } });
    expect(second.signatureValid).toBe(true);
    expect(second.receivedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(recorded.nextEscalationAt!) - 50);
    const third = await receiver.waitForCall('/chief', 1, 10_000);
    expect(third.json).toMatchObject({ id: first.json.id, page: { step: 2 } });
    // the chain is exhausted; wait past another timeout: every step was paged exactly once
    await sleep((ACK_TIMEOUT_S + 2) * 1000);
    expect(STEPS.map((p) => pages(receiver, p).length)).toEqual([1, 1, 1]);
    expect(STEPS.map((p) => receiver.calls(p).length)).toEqual([1, 1, 1]);
    const [alert] = await alerts(after);
    expect(alert).toMatchObject({ id: first.json.id, state: 'sent', escalationLevel: 2, nextEscalationAt: null });
    expect(await alerts(after)).toHaveLength(1);
  }, 120_000);
});
