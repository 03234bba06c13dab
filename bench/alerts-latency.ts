// The alert path on its own: analysis finished -> `alert.evaluate` on Bull (real Redis) -> rules, alert row
// (SQLite, or PostgreSQL with --postgres) -> PNG card -> signed webhook answered 2xx by a loopback receiver.
// Also how late escalation pages come after the acknowledge timeout (delayed Bull jobs).
// The end-to-end time-to-alert of the 640-image phantom needs the whole pipeline: the lead's benchmark.
// Run: npm run build && node dist/bench/alerts-latency.js [--runs 30] [--escalations 5] [--no-image] [--postgres]
import './register-aliases';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { alertsSectionSchema, DatabaseConfig, nidusVersion } from '@nidus/config';
import { createAlertHandlers, verifyWebhookSignature } from '@nidus/delivery';
import { Metrics } from '@nidus/observability';
import { AnalysisRepository, openDatabase, StudyIndexRepository } from '@nidus/persistence';
import { JobHandlers, JobRunner, openBullQueues } from '@nidus/jobs';
import { openAnalyses } from '@nidus/analyses';
import { PROJECT_ROOT } from '@nidus/testing';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('--runs', 30);
const ESCALATIONS = option('--escalations', 5);
const IMAGE = !args.includes('--no-image');
const POSTGRES = args.includes('--postgres');
const REDIS_URL = 'redis://127.0.0.1:6379';
const SECRET = 'bench-shared-secret-0123456789abcdef';

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

async function database(): Promise<{ config: DatabaseConfig; drop: () => Promise<void> }> {
  if (!POSTGRES)
    return { config: { type: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'nidus-bench-alerts-')), 'nidus.sqlite') }, drop: async () => undefined };
  const name = `nidus_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    config: { type: 'postgres', url: `postgres://postgres@127.0.0.1:5432/${name}` },
    drop: async () => {
      const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  // receiver: verifies each signature, notes arrival per delivery id
  const arrivals = new Map<string, { at: number; bytes: number }[]>();
  let badSignatures = 0;
  const waiters = new Map<string, () => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifyWebhookSignature(SECRET, String(req.headers['x-nidus-timestamp']), body, String(req.headers['x-nidus-signature']))) badSignatures++;
      const key = `${JSON.parse(body).analysis.id}:${req.url}`;
      arrivals.set(key, [...(arrivals.get(key) ?? []), { at, bytes: body.length }]);
      res.writeHead(200).end('ok');
      waiters.get(key)?.();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const arrival = (key: string) =>
    new Promise<void>((resolve) => {
      if (arrivals.has(key)) return resolve();
      waiters.set(key, resolve);
    });

  const db = await database();
  const dataSource = await openDatabase(db.config);
  const prefix = `nidus-bench-${randomBytes(4).toString('hex')}`;
  const queue = openBullQueues(REDIS_URL, prefix);
  const alerts = alertsSectionSchema.parse({
    teams: [
      {
        id: 'stroke',
        onCall: ['resident', 'attending'].map((name) => ({ name, url: `http://127.0.0.1:${port}/${name}`, secret: SECRET, ackTimeoutSeconds: 1 })),
      },
    ],
    image: { enabled: IMAGE },
  });
  const logger = pino({ level: 'silent' });
  const none = async () => undefined;
  const handlers: JobHandlers = {
    'series.check-complete': none,
    'study.check-complete': none,
    'analysis.run': none,
    'results.deliver': none,
    ...createAlertHandlers({
      db: dataSource,
      alerts,
      analyses: openAnalyses({ nidusVersion: nidusVersion(), modelsDir: join(PROJECT_ROOT, 'models') }).registry,
      logger,
      metrics: new Metrics({ defaultMetrics: false }),
    }),
  };
  new JobRunner(queue, logger).start(handlers);

  const index = new StudyIndexRepository(dataSource);
  const analyses = new AnalysisRepository(dataSource);
  const seed = async (n: number): Promise<string> => {
    const StudyInstanceUID = `1.2.826.0.1.3680043.8.498.9.${n}`;
    const SeriesInstanceUID = `${StudyInstanceUID}.1`;
    await index.recordInstance({
      instance: {
        SOPInstanceUID: `${SeriesInstanceUID}.1`,
        SeriesInstanceUID,
        StudyInstanceUID,
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        TransferSyntaxUID: '1.2.840.10008.1.2.1',
        InstanceNumber: 1,
        path: 'x',
        sizeBytes: 1,
        sha256: 'a'.repeat(64),
        callingAETitle: 'PACS',
      },
      study: { PatientID: 'P1', AccessionNumber: `ACC${n}`, PatientSex: 'M', PatientAge: '065Y' },
      series: { Modality: 'CT', SeriesDescription: 'PERFUSION' },
    });
    const { analysis } = await analyses.createOnce({
      inputKey: randomBytes(32).toString('hex'),
      StudyInstanceUID,
      SeriesInstanceUID,
      kind: 'ctp',
      priority: 'stat',
      instanceCount: 1,
    });
    const core = 5 + (n % 40);
    const hypo = core + 20 + (n % 70);
    await analyses.markSucceeded(analysis.id, {
      coreVolumeMl: core,
      hypoperfusionVolumeMl: hypo,
      tmax10VolumeMl: hypo / 3,
      mismatchVolumeMl: hypo - core,
      mismatchRatio: hypo / core,
      hypoperfusionIntensityRatio: 0.33,
      affectedHemisphere: 'right',
      eligibility: { defuse3: true, extend: true },
      warnings: [],
    });
    return analysis.id;
  };

  // warm-up (connections, sharp, JIT)
  for (let i = 0; i < 3; i++) {
    const id = await seed(10_000 + i);
    const done = arrival(`${id}:/resident`);
    await queue.enqueue('alert.evaluate', { analysisId: id }, { priority: 'stat' });
    await done;
  }

  const latencies: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const id = await seed(i);
    const done = arrival(`${id}:/resident`);
    const t0 = performance.now();
    await queue.enqueue('alert.evaluate', { analysisId: id }, { priority: 'stat' });
    await done;
    latencies.push(arrivals.get(`${id}:/resident`)![0].at - t0);
    bytes = arrivals.get(`${id}:/resident`)![0].bytes;
  }

  const lateness: number[] = [];
  for (let i = 0; i < ESCALATIONS; i++) {
    const id = await seed(20_000 + i);
    const first = arrival(`${id}:/resident`);
    const second = arrival(`${id}:/attending`);
    await queue.enqueue('alert.evaluate', { analysisId: id }, { priority: 'stat' });
    await first;
    await second;
    lateness.push(arrivals.get(`${id}:/attending`)![0].at - arrivals.get(`${id}:/resident`)![0].at - 1000);
  }

  const fmt = (v: number) => `${v.toFixed(1)} ms`;
  console.log(`alerts-latency (${POSTGRES ? 'PostgreSQL' : 'SQLite'}, Redis, image ${IMAGE ? 'on' : 'off'}; payload ${(bytes / 1024).toFixed(1)} KiB)`);
  console.log(
    `  analysis done -> webhook received (${RUNS} runs): median ${fmt(quantile(latencies, 0.5))}, p90 ${fmt(quantile(latencies, 0.9))}, max ${fmt(Math.max(...latencies))}`,
  );
  console.log(
    `  escalation page after a 1 s acknowledge timeout (${ESCALATIONS} runs): median late by ${fmt(quantile(lateness, 0.5))}, max ${fmt(Math.max(...lateness))}`,
  );
  console.log(`  signatures that failed to verify: ${badSignatures}`);

  for (const q of Object.values(queue.queues)) await q.obliterate({ force: true });
  await queue.close();
  await dataSource.destroy();
  await db.drop();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
