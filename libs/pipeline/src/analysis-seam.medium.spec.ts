import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INSTALLED_ANALYSES } from '@nidus/analyses';
import { loadConfig } from '@nidus/config';
import { generateUid, readPart10, writePart10 } from '@nidus/dicom';
import { DimseListener, IngestModule } from '@nidus/ingest';
import { AlertRepository, AnalysisRepository, ResultObjectRepository } from '@nidus/persistence';
import { AppContext, closeAppContext, NidusCoreModule, openAppContext } from '@nidus/runtime';
import { intensityAnalyses, startStorescp, StorescpHandle, storescu, syntheticCtElements, waitUntil, WebhookReceiver, writeNidusConfig } from '@nidus/testing';
import { startWorker } from './worker/start-worker';

// The analysis seam end to end: an analysis the pipeline has never heard of (libs/testing's intensity analysis,
// which implements only the Analysis contract) is installed beside CT perfusion, a route sends CT series to it,
// and ingest, the queue, the job handler, result delivery and alerts take it as they take CT perfusion.
// Real Redis, SQLite, dcmtk (storescu in, storescp as the PACS).

const SECRET = 'seam-test-secret-0123456789abcdef';
const THRESHOLD = 1200;

describe('a new analysis through the seam', () => {
  let dir: string;
  let context: AppContext;
  let app: INestApplication;
  let pacs: StorescpHandle;
  let receiver: WebhookReceiver;
  let dimsePort: number;
  let worker: { close: () => Promise<void> };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-seam-'));
    mkdirSync(join(dir, 'pacs'));
    pacs = await startStorescp(join(dir, 'pacs'), { accept: 'uncompressed' });
    receiver = await WebhookReceiver.start({ secret: SECRET });
    const configFile = writeNidusConfig(dir, {
      routes: [{ name: 'every-ct', match: { Modality: ['CT'] }, analysis: 'intensity', priority: 'routine', stableAfterSeconds: 1 }],
      delivery: { targets: [{ id: 'pacs', type: 'c-store', host: '127.0.0.1', port: pacs.port, calledAETitle: pacs.aeTitle }] },
      alerts: {
        rules: [{ name: 'bright', analysis: 'intensity', level: 'critical', team: 'imaging', when: { all: ['findings.bright.present == true'] } }],
        teams: [{ id: 'imaging', name: 'Imaging', onCall: [{ name: 'on-call', url: receiver.url('/on-call'), secret: SECRET }] }],
      },
    });
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      DICOM_PORT: '0',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DISK_RESERVE_MB: '0',
      NIDUS_CONFIG: configFile,
    });
    context = await openAppContext(config, {
      queuePrefix: `nidus-seam-${randomBytes(4).toString('hex')}`,
      analysisProviders: [...INSTALLED_ANALYSES, intensityAnalyses({ threshold: THRESHOLD })],
    });
    @Module({ imports: [NidusCoreModule.forContext(context), IngestModule.register()] })
    class GatewayOfTest {}
    app = await NestFactory.create(GatewayOfTest, { logger: false });
    await app.init();
    dimsePort = app.get(DimseListener).server.port;
    worker = await startWorker(context);
  });

  afterAll(async () => {
    await app?.close();
    await worker?.close();
    for (const q of Object.values(context?.queue.queues ?? {})) await q.obliterate({ force: true }).catch(() => undefined);
    if (context) await closeAppContext(context);
    await pacs?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a CT series whose modality values are the synthetic ramp plus `intercept`; returns its files and their true mean and maximum. */
  function series(name: string, intercept: number, count = 4) {
    const StudyInstanceUID = generateUid();
    const SeriesInstanceUID = generateUid();
    const folder = join(dir, name);
    mkdirSync(folder);
    let sum = 0;
    let n = 0;
    let max = -Infinity;
    const paths = Array.from({ length: count }, (_, i) => {
      const slice = syntheticCtElements(i, { rows: 16, columns: 16, StudyInstanceUID, SeriesInstanceUID });
      const elements = { ...slice, RescaleIntercept: intercept };
      for (const v of slice.PixelData as Int16Array) {
        sum += v + intercept;
        max = Math.max(max, v + intercept);
        n++;
      }
      const path = join(folder, `${i}.dcm`);
      writeFileSync(path, writePart10(elements));
      return path;
    });
    return { StudyInstanceUID, SeriesInstanceUID, paths, mean: sum / n, max };
  }

  it('routes, runs, stores, delivers and alerts on it with no change outside its folder', async () => {
    const bright = series('bright', 500);
    const dim = series('dim', -1500);
    expect(bright.max).toBeGreaterThan(THRESHOLD);
    expect(dim.max).toBeLessThanOrEqual(THRESHOLD);
    await storescu({ port: dimsePort, calledAETitle: 'NIDUS', callingAETitle: 'SCANNER', files: [...bright.paths, ...dim.paths] });

    const analyses = new AnalysisRepository(context.db);
    const done = async (StudyInstanceUID: string) => {
      const [a] = await analyses.forStudy(StudyInstanceUID);
      return a && a.status !== 'queued' && a.status !== 'running' ? a : undefined;
    };
    const [a, b] = [
      await waitUntil('the bright series analysed', () => done(bright.StudyInstanceUID), 30_000),
      await waitUntil('the dim series analysed', () => done(dim.StudyInstanceUID), 30_000),
    ];
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(a).toMatchObject({ kind: 'intensity', analysisVersion: '1', priority: 'routine', instanceCount: 4 });
    const mean = (r: Record<string, unknown> | null) => (r?.measurements as { key: string; value: number }[]).find((m) => m.key === 'intensity')!.value;
    expect(mean(a.result)).toBeCloseTo(bright.mean, 3);
    expect(mean(b.result)).toBeCloseTo(dim.mean, 3);

    // its SR, made after the numbers, reached the PACS once per analysis
    const results = new ResultObjectRepository(context.db);
    const objects = await waitUntil(
      'both reports delivered',
      async () => {
        const all = [...(await results.forAnalysis(a.id)), ...(await results.forAnalysis(b.id))];
        return all.length === 2 && all.every((o) => o.deliveryState === 'delivered') ? all : undefined;
      },
      30_000,
    );
    expect(objects.map((o) => o.kind)).toEqual(['sr', 'sr']);
    const received = readdirSync(join(dir, 'pacs')).map((f) => readPart10(readFileSync(join(dir, 'pacs', f))).string('SOPInstanceUID'));
    expect(received.sort()).toEqual(objects.map((o) => o.SOPInstanceUID).sort());

    // the rule on its common result paged the team, for the bright series only, with the analysis's own summary
    const page = await receiver.waitForCall('/on-call', 1, 30_000);
    expect(page.signatureValid).toBe(true);
    expect(page.json).toMatchObject({
      analysis: { id: a.id, kind: 'intensity' },
      rules: ['bright'],
      summary: expect.stringMatching(/^CRITICAL: bright spot; mean /),
      results: { findings: { bright: { present: true } } },
    });
    const alerts = new AlertRepository(context.db);
    expect(await alerts.findByAnalysisId(b.id)).toBeNull();
    expect(receiver.calls('/on-call')).toHaveLength(1);
  }, 90_000);
});
