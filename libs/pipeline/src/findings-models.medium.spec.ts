import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import sharp from 'sharp';
import { loadConfig } from '@nidus/config';
import { generateUid, readPart10, writePart10 } from '@nidus/dicom';
import { DimseListener, IngestModule } from '@nidus/ingest';
import { createLogger } from '@nidus/observability';
import { AlertRepository, AnalysisRepository, ResultObjectRepository, type AnalysisEntity } from '@nidus/persistence';
import { AppContext, closeAppContext, NidusCoreModule, openAppContext } from '@nidus/runtime';
import {
  startStorescp,
  StorescpHandle,
  storescu,
  syntheticCtElements,
  syntheticRadiograph,
  waitUntil,
  WebhookReceiver,
  writeNidusConfig,
} from '@nidus/testing';
import { badModel, writeBadModel } from '../../inference/src/test/bad-models.fixture';
import { startWorker } from './worker/start-worker';

// Findings models through the whole pipeline (real Redis, SQLite, dcmtk storescu in and storescp as the PACS, real
// onnxruntime): a radiograph completes with its one image and runs every model routed to it; each bad model fails
// with its typed reason in the record and the log, once, sends nothing and holds nobody up; a series the model
// cannot take fails with its reason; a rule on a model's result pages the team with the model's key image.

const ROOT = resolve(__dirname, '../../..');
const SECRET = 'models-test-secret-0123456789abcdef';
const BAD = { 'bad-throws': 'throws', 'bad-nan': 'nan', 'bad-shape': 'wrong-shape', 'bad-dtype': 'wrong-dtype', 'bad-slow': 'slow' } as const;

describe('findings models in the pipeline', () => {
  let dir: string;
  let context: AppContext;
  let app: INestApplication;
  let pacs: StorescpHandle;
  let receiver: WebhookReceiver;
  let dimsePort: number;
  let worker: { close: () => Promise<void> };
  const logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-findings-'));
    const models = join(dir, 'models');
    for (const id of ['demo-cxr-opacity', 'demo-ct-hyperdensity', 'ctp-deconvolution']) cpSync(join(ROOT, 'models', id), join(models, id), { recursive: true });
    writeBadModel(models, 'good', badModel('ok'));
    for (const [id, kind] of Object.entries(BAD))
      writeBadModel(models, id, kind === 'slow' ? badModel('slow', { iterations: 2000, size: 256 }) : badModel(kind));
    mkdirSync(join(models, 'broken'));
    writeFileSync(join(models, 'broken', 'model.json'), '{ "id": "broken", ');
    mkdirSync(join(dir, 'pacs'));
    pacs = await startStorescp(join(dir, 'pacs'), { accept: 'uncompressed' });
    receiver = await WebhookReceiver.start({ secret: SECRET });
    const dx = (analysis: string) => ({ name: analysis, match: { Modality: ['DX', 'CR'] }, analysis });
    const configFile = writeNidusConfig(dir, {
      routes: [
        dx('demo-cxr-opacity'),
        dx('good'),
        ...Object.keys(BAD).map(dx),
        // series a model cannot take, sent to it anyway
        { name: 'ct-to-radiograph-model', match: { Modality: ['CT'] }, analysis: 'demo-cxr-opacity', stableAfterSeconds: 1 },
        { name: 'ct-head', match: { Modality: ['CT'] }, analysis: 'demo-ct-hyperdensity', stableAfterSeconds: 1 },
      ],
      inference: { intraOpNumThreads: 1, modelTimeLimitSeconds: { 'bad-slow': 0.5 } },
      delivery: { targets: [{ id: 'pacs', type: 'c-store', host: '127.0.0.1', port: pacs.port, calledAETitle: pacs.aeTitle }] },
      alerts: {
        rules: [{ name: 'opacity', analysis: 'demo-cxr-opacity', level: 'critical', team: 'chest', when: 'findings.opacity.present' }],
        teams: [{ id: 'chest', name: 'Chest', onCall: [{ name: 'on-call', url: receiver.url('/on-call'), secret: SECRET }] }],
      },
    });
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      MODELS_DIR: models,
      DICOM_PORT: '0',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DISK_RESERVE_MB: '0',
      // a radiograph must not wait for this
      STABLE_AFTER_SECONDS: '60',
      NIDUS_CONFIG: configFile,
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    context = await openAppContext(config, { queuePrefix: `nidus-findings-${randomBytes(4).toString('hex')}`, logger: createLogger('info', sink) });
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

  const analyses = () => new AnalysisRepository(context.db);
  const finished = (StudyInstanceUID: string, count: number) =>
    waitUntil(
      `${count} analyses of ${StudyInstanceUID} finished`,
      async () => {
        const all = await analyses().forStudy(StudyInstanceUID);
        return all.length === count && all.every((a) => a.status === 'succeeded' || a.status === 'failed') ? all : undefined;
      },
      40_000,
    );
  const byKind = (all: AnalysisEntity[]) => Object.fromEntries(all.map((a) => [a.kind, a]));

  it('start-up names the model whose manifest is invalid and installs the others', () => {
    expect(context.analyses.registry.ids()).toEqual(expect.arrayContaining(['demo-cxr-opacity', 'demo-ct-hyperdensity', 'good', ...Object.keys(BAD)]));
    expect(context.analyses.registry.ids()).not.toContain('broken');
    expect(logs.filter((l) => l.msg === 'analysis not installed')).toEqual([
      expect.objectContaining({ level: 'error', analysis: 'broken', reason: expect.stringMatching(/invalid model manifest .*broken.*model\.json: not JSON/) }),
    ]);
  });

  it('a radiograph completes with its image; the good models succeed, each bad one fails with its typed reason, once, and sends nothing; the rule pages with the key image', async () => {
    const positive = syntheticRadiograph({ rows: 1200, columns: 1000, opacity: { x: 310, y: 520, radiusPx: 42, contrast: 0.22 }, seed: 11 });
    const negative = syntheticRadiograph({ rows: 1200, columns: 1000, PhotometricInterpretation: 'MONOCHROME1', seed: 12 });
    const files = [positive, negative].map((r, i) => {
      const path = join(dir, `cxr-${i}.dcm`);
      writeFileSync(path, writePart10(r.elements));
      return path;
    });
    const sent = Date.now();
    await storescu({ port: dimsePort, calledAETitle: 'NIDUS', callingAETitle: 'MODALITY', files });
    const [pos, neg] = await Promise.all([positive, negative].map((r) => finished(String(r.elements.StudyInstanceUID), 7)));
    // long before the 60 s quiet period
    expect(Date.now() - sent).toBeLessThan(40_000);

    for (const all of [pos, neg]) {
      const kinds = byKind(all);
      expect(Object.fromEntries(all.map((a) => [a.kind, a.status]))).toEqual({
        'demo-cxr-opacity': 'succeeded',
        good: 'succeeded',
        'bad-throws': 'failed',
        'bad-nan': 'failed',
        'bad-shape': 'failed',
        'bad-dtype': 'failed',
        'bad-slow': 'failed',
      });
      expect(kinds['bad-throws'].error).toMatch(/^InferenceRunError: /);
      expect(kinds['bad-nan'].error).toMatch(/^ModelOutputError\(not-finite\): model bad-nan returned an unusable output \(not-finite\)/);
      expect(kinds['bad-shape'].error).toMatch(/^ModelOutputError\(shape\): /);
      expect(kinds['bad-dtype'].error).toMatch(/^ModelOutputError\(dtype\): /);
      expect(kinds['bad-slow'].error).toBe('ModelTimeoutError: model bad-slow@1 did not finish within its time limit of 500 ms');
      expect(kinds['demo-cxr-opacity']).toMatchObject({
        modelId: 'demo-cxr-opacity',
        modelVersion: '1.0.0',
        modelSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    }
    expect((byKind(pos)['demo-cxr-opacity'].result as any).findings[0]).toMatchObject({ key: 'opacity', present: true });
    expect((byKind(neg)['demo-cxr-opacity'].result as any).findings[0]).toMatchObject({ key: 'opacity', present: false });

    // each failure logged once, with its reason
    for (const id of Object.keys(BAD)) {
      const lines = logs.filter((l) => l.msg === 'analysis failed' && l.kind === id);
      expect(lines).toHaveLength(2);
      expect(lines.every((l) => typeof l.reason === 'string' && (l.reason as string).length > 0)).toBe(true);
    }

    // SR and key image of the succeeded ones reached the PACS; of the failed ones, nothing was made or sent
    const results = new ResultObjectRepository(context.db);
    const succeeded = [...pos, ...neg].filter((a) => a.status === 'succeeded');
    const objects = await waitUntil(
      'the results delivered',
      async () => {
        const all = (await Promise.all(succeeded.map((a) => results.forAnalysis(a.id)))).flat();
        return all.length === 2 * succeeded.length && all.every((o) => o.deliveryState === 'delivered') ? all : undefined;
      },
      40_000,
    );
    for (const a of [...pos, ...neg].filter((a) => a.status === 'failed')) expect(await results.forAnalysis(a.id)).toEqual([]);
    const received = readdirSync(join(dir, 'pacs')).map((f) => readPart10(readFileSync(join(dir, 'pacs', f))).string('SOPInstanceUID'));
    expect(received.sort()).toEqual(objects.map((o) => o.SOPInstanceUID).sort());

    // the rule on the model's result paged the team for the positive image only, with the key image as its picture
    const page = await receiver.waitForCall('/on-call', 1, 30_000);
    expect(page.signatureValid).toBe(true);
    const opacity = byKind(pos)['demo-cxr-opacity'];
    expect(page.json).toMatchObject({
      analysis: { id: opacity.id, kind: 'demo-cxr-opacity' },
      rules: ['opacity'],
      summary: expect.stringMatching(/Opacity \(p /),
    });
    const keyImage = objects.find((o) => o.analysisId === opacity.id && o.kind === 'sc')!;
    expect((opacity.result as any).keyImage.SOPInstanceUID).toBe(keyImage.SOPInstanceUID);
    const sc = readPart10(readFileSync(join(context.config.dataDir, keyImage.path)));
    const png = await sharp(Buffer.from(page.json.image.base64, 'base64')).metadata();
    expect(png.height! / png.width!).toBeCloseTo(sc.number('Rows')! / sc.number('Columns')!, 1);
    expect(await new AlertRepository(context.db).findByAnalysisId(byKind(neg)['demo-cxr-opacity'].id)).toBeNull();
    expect(receiver.calls('/on-call')).toHaveLength(1);
  }, 120_000);

  it('a series a model cannot take fails with the reason (wrong modality, too few slices), and no object is made', async () => {
    const StudyInstanceUID = generateUid();
    const SeriesInstanceUID = generateUid();
    const files = Array.from({ length: 3 }, (_, i) => {
      const path = join(dir, `ct-${i}.dcm`);
      writeFileSync(path, writePart10({ ...syntheticCtElements(i, { rows: 32, columns: 32, StudyInstanceUID, SeriesInstanceUID }), BodyPartExamined: 'HEAD' }));
      return path;
    });
    await storescu({ port: dimsePort, calledAETitle: 'NIDUS', callingAETitle: 'MODALITY', files });
    const kinds = byKind(await finished(StudyInstanceUID, 2));
    expect(kinds['demo-cxr-opacity'].error).toBe(
      'SeriesNotAcceptedError: model demo-cxr-opacity cannot take this input (modality): Modality CT is not DX or CR',
    );
    expect(kinds['demo-ct-hyperdensity'].error).toBe(
      'SeriesNotAcceptedError: model demo-ct-hyperdensity cannot take this input (too-few-slices): 3 slice(s), the model needs at least 5',
    );
    const results = new ResultObjectRepository(context.db);
    for (const a of Object.values(kinds)) expect(await results.forAnalysis(a.id)).toEqual([]);
  }, 60_000);
});
