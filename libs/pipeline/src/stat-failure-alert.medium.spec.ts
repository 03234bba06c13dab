import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INSTALLED_ANALYSES } from '@nidus/analyses';
import { loadConfig } from '@nidus/config';
import { DimseListener, IngestModule } from '@nidus/ingest';
import { AlertRepository, AnalysisRepository } from '@nidus/persistence';
import { AppContext, closeAppContext, NidusCoreModule, openAppContext } from '@nidus/runtime';
import { generateMovingHeadPhantom, storescu, uniformSamplingTimes, waitUntil, WebhookReceiver, writeNidusConfig, writePhantomSeries } from '@nidus/testing';
import { startWorker } from './worker/start-worker';

// No silent failure of a stat analysis: a CT perfusion series whose head moved beyond what can be corrected goes in
// by C-STORE (dcmtk storescu), the real worker refuses it (ExcessiveMotionError), and the team of the rule is paged
// (webhook receiver) that the study could not be analysed, and why; a rule with onFailure false pages nobody, and
// the failure is counted. Real Redis, SQLite, dcmtk, onnxruntime.

const SECRET = 'failure-test-secret-0123456789abcdef';

describe('a stat analysis that fails', () => {
  let dir: string;
  let context: AppContext;
  let app: INestApplication;
  let receiver: WebhookReceiver;
  let dimsePort: number;
  let worker: { close: () => Promise<void> };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-failure-'));
    receiver = await WebhookReceiver.start({ secret: SECRET });
    const team = (id: string) => ({ id, name: id, onCall: [{ name: `${id}-on-call`, url: receiver.url(`/${id}`), secret: SECRET }] });
    const configFile = writeNidusConfig(dir, {
      routes: [{ name: 'ctp', match: { Modality: ['CT'], SeriesDescription: 'ctp|perf' }, analysis: 'ctp', priority: 'stat', stableAfterSeconds: 1 }],
      alerts: {
        rules: [
          { name: 'stroke-treatable', analysis: 'ctp', level: 'critical', team: 'stroke', when: 'eligibility.defuse3' },
          { name: 'research-large-core', analysis: 'ctp', level: 'info', team: 'research', when: 'coreVolumeMl >= 70', onFailure: false },
        ],
        teams: [team('stroke'), team('research')],
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
    context = await openAppContext(config, { queuePrefix: `nidus-failure-${randomBytes(4).toString('hex')}`, analysisProviders: INSTALLED_ANALYSES });
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
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages the team of the rule that the study could not be analysed, and why; counts it', async () => {
    // 12 images, the head 15 mm and 8 degrees away from the 3rd on: beyond correction
    const phantom = generateMovingHeadPhantom({
      seed: 9301,
      columns: 64,
      slices: 2,
      timesSeconds: uniformSamplingTimes(12, 2),
      noiseHu: 5,
      lesion: { side: 'left' },
      motion: { startSeconds: 4, rampSeconds: 0, shiftMm: [15, 0], rotationDegrees: 8 },
    });
    const series = writePhantomSeries(phantom.volume, join(dir, 'ctp'), { PatientID: 'P-FAIL-1' });
    await storescu({ port: dimsePort, calledAETitle: 'NIDUS', callingAETitle: 'SCANNER', files: series.paths });

    const analyses = new AnalysisRepository(context.db);
    const analysis = await waitUntil(
      'the perfusion analysis finished',
      async () => {
        const [a] = await analyses.forStudy(series.StudyInstanceUID);
        return a && (a.status === 'failed' || a.status === 'succeeded') ? a : undefined;
      },
      60_000,
    );
    expect(analysis).toMatchObject({
      kind: 'ctp',
      status: 'failed',
      priority: 'stat',
      error: expect.stringMatching(/^ExcessiveMotionError: too much head motion to correct/),
    });

    const page = await receiver.waitForCall('/stroke', 1, 30_000);
    expect(page.signatureValid).toBe(true);
    expect(page.json).toMatchObject({
      kind: 'alert',
      level: 'critical',
      team: { id: 'stroke' },
      rules: ['stroke-treatable'],
      analysis: { id: analysis.id, kind: 'ctp' },
      study: { StudyInstanceUID: series.StudyInstanceUID, SeriesInstanceUID: series.SeriesInstanceUID },
      summary: expect.stringMatching(
        /^CRITICAL: CT perfusion could not be analysed: ExcessiveMotionError: too much head motion to correct: in 10 of 12 images/,
      ),
      failure: { reason: analysis.error },
      results: {},
    });
    // once, and not to the team whose rule keeps onFailure off
    expect(await new AlertRepository(context.db).findByAnalysisId(analysis.id)).toMatchObject({ team: 'stroke' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.calls('/stroke')).toHaveLength(1);
    expect(receiver.calls('/research')).toHaveLength(0);
    expect(await context.metrics.registry.metrics()).toMatch(/nidus_stat_analysis_failures_total\{kind="ctp",reason="ExcessiveMotionError"\} 1/);
  }, 120_000);
});
