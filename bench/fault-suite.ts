// Issue 12, the long cases of the fault suite, against real processes (bin/nidus.js from dist/, dcmtk's storescu,
// Orthanc, redis-server, PostgreSQL): SIGKILL of the gateway mid C-STORE, SIGKILL of the worker mid analysis, Redis
// restarted empty, the PACS down for a while, a gateway and two workers started together with several studies.
// Each case prints what it checked (nothing lost, nothing twice) and how long recovery took; the short cases run in
// CI as test/fault-suite.e2e.spec.ts and test/scale-out.e2e.spec.ts.
//
//   npm run build && node dist/bench/fault-suite.js [--rounds 3] [--pacs-down-seconds 60] [--cases gateway,worker,redis,pacs,scale]
import './register-aliases';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { readPart10 } from '@nidus/dicom';
import { readPart10Layout } from '@nidus/dicom-net';
import {
  createPostgresDatabase,
  flushRedisDatabase,
  freePort,
  generateHeadPhantom,
  NidusServer,
  OrthancHandle,
  redisUrlForDatabase,
  startNidus,
  startOrthanc,
  startPrivateRedis,
  storescu,
  storescuAnswered,
  syntheticCtFiles,
  waitUntil,
  writeNidusConfig,
  writePhantomSeries,
} from '@nidus/testing';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROUNDS = Number(flag('rounds', '3'));
const PACS_DOWN_SECONDS = Number(flag('pacs-down-seconds', '60'));
const CASES = flag('cases', 'gateway,worker,redis,pacs,scale').split(',');
const REDIS_DB = 14;

interface Row {
  case: string;
  fault: string;
  checked: string;
  ok: boolean;
  recoverySeconds: number | null;
}
const rows: Row[] = [];
const running: NidusServer[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;

function dataSetOf(file: Buffer): Buffer {
  return file.subarray(readPart10Layout(file).dataSetOffset);
}

async function stopAll(): Promise<void> {
  for (const n of running.splice(0)) if (n.process.exitCode === null && n.process.signalCode === null) await n.stop();
}

async function killed(n: NidusServer): Promise<void> {
  const exit = new Promise((r) => n.process.once('exit', r));
  n.process.kill('SIGKILL');
  await exit;
}

/** A small CT perfusion study (the phantom of the PACS round trip), written to `dir`. */
function perfusionStudy(dir: string, seed: number) {
  const phantom = generateHeadPhantom({
    seed,
    columns: 96,
    rows: 96,
    slices: 6,
    timesSeconds: Array.from({ length: 28 }, (_, i) => i * 1.6),
    noiseHu: 6,
    lesion: { side: seed % 2 ? 'left' : 'right' },
  });
  return writePhantomSeries(phantom.volume, dir, { PatientID: `FAULT-${seed}`, AccessionNumber: `F${seed}` });
}

async function withPostgres<T>(run: (url: string, q: <R extends object>(sql: string) => Promise<R[]>) => Promise<T>): Promise<T> {
  const pg = await createPostgresDatabase();
  const url = pg.config.type === 'postgres' ? pg.config.url : '';
  const db = new Client({ connectionString: url });
  let connected = false;
  const q = async <R extends object>(sql: string) => {
    if (!connected) {
      await db.connect();
      connected = true;
    }
    return (await db.query<R>(sql)).rows;
  };
  try {
    return await run(url, q);
  } finally {
    await db.end().catch(() => undefined);
    await stopAll();
    await pg.drop();
  }
}

interface AnalysisRow {
  id: string;
  status: string;
  startedAt: string | null;
  interruptions: number;
  StudyInstanceUID: string;
}
const ANALYSES = 'SELECT id, status, "startedAt", interruptions, "StudyInstanceUID" FROM analysis';

/** The result objects once their count held for 3 s (the numbers are stored first, the objects one by one after them). */
async function settledObjects(q: <R extends object>(sql: string) => Promise<R[]>): Promise<{ n: string; d: string }> {
  let last = '';
  let since = Date.now();
  return waitUntil(
    'the result objects, all of them',
    async () => {
      const r = (await q<{ n: string; d: string }>('SELECT COUNT(*) AS n, COUNT(DISTINCT "SOPInstanceUID") AS d FROM result_object'))[0];
      if (r.n !== last) [last, since] = [r.n, Date.now()];
      return Number(r.n) > 0 && Date.now() - since > 3000 ? r : undefined;
    },
    180_000,
    250,
  );
}

/** SIGKILL of the gateway once `after` instances were answered Success; each answered one on disk byte for byte; resent, nothing twice. */
async function gatewayKill(round: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-fault-gw-'));
  try {
    await flushRedisDatabase(REDIS_DB);
    const files = syntheticCtFiles({ count: 80, rows: 128, columns: 128 });
    mkdirSync(join(dir, 'in'));
    const paths = files.map((f, i) => {
      const p = join(dir, 'in', `${String(i).padStart(3, '0')}.dcm`);
      writeFileSync(p, f);
      return p;
    });
    const env = { DATA_DIR: join(dir, 'data'), REDIS_URL: redisUrlForDatabase(REDIS_DB), DISK_RESERVE_MB: '0', HTTP_PORT: String(await freePort()) };
    const gateway = await startNidus(env, 'gateway');
    running.push(gateway);
    const after = 15 + 20 * round;
    let killedAt = 0;
    const { answered } = await storescuAnswered({
      port: gateway.dicomPort,
      calledAETitle: 'NIDUS',
      files: paths,
      onAnswered: (count) => {
        if (count >= after && !killedAt) {
          killedAt = performance.now();
          gateway.process.kill('SIGKILL');
        }
      },
    });
    let identical = 0;
    for (const path of answered) {
      const ds = readPart10(readFileSync(path));
      const stored = join(env.DATA_DIR, 'instances', ds.string('StudyInstanceUID')!, ds.string('SeriesInstanceUID')!, `${ds.string('SOPInstanceUID')}.dcm`);
      if (existsSync(stored) && dataSetOf(readFileSync(stored)).equals(dataSetOf(readFileSync(path)))) identical++;
    }
    const again = await startNidus(env, 'gateway');
    const up = performance.now();
    running.push(again);
    await storescu({ port: again.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: paths });
    const token = await again.token('viewer');
    const study = readPart10(files[0]).string('StudyInstanceUID')!;
    const summary = (await (await fetch(`${again.url}/api/studies/${study}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      instanceCount: number;
    };
    const onDisk = readdirSync(join(env.DATA_DIR, 'instances'), { recursive: true }).filter((f) => String(f).endsWith('.dcm')).length;
    const ok = identical === answered.length && summary.instanceCount === paths.length && onDisk === paths.length;
    rows.push({
      case: `gateway SIGKILL mid C-STORE (round ${round + 1})`,
      fault: `killed after ${answered.length} of ${paths.length} answered Success`,
      checked: `${identical}/${answered.length} answered on disk byte-identical; resent all: ${summary.instanceCount} indexed, ${onDisk} files`,
      ok,
      recoverySeconds: seconds(up - killedAt),
    });
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGKILL of the worker mid analysis: run again within 10 s of the new worker, one analysis, each result object once. */
async function workerKill(round: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-fault-worker-'));
  try {
    await flushRedisDatabase(REDIS_DB);
    await withPostgres(async (url, q) => {
      const series = perfusionStudy(join(dir, 'ctp'), 30 + round);
      const env = { DATA_DIR: join(dir, 'data'), DATABASE_URL: url, REDIS_URL: redisUrlForDatabase(REDIS_DB), DISK_RESERVE_MB: '0', STABLE_AFTER_SECONDS: '1' };
      const gateway = await startNidus(env, 'gateway');
      running.push(gateway);
      const first = await startNidus(env, 'worker');
      running.push(first);
      await storescu({ port: gateway.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });
      const cut = await waitUntil('the analysis running', async () => (await q<AnalysisRow>(ANALYSES)).find((a) => a.status === 'running'), 90_000, 10);
      await killed(first);
      const second = await startNidus(env, 'worker', { startTimeoutMs: 60_000 });
      const restarted = Date.now();
      running.push(second);
      const rerun = await waitUntil(
        'the analysis started again',
        async () => (await q<AnalysisRow>(ANALYSES)).find((a) => a.startedAt !== cut.startedAt),
        60_000,
        20,
      );
      const done = await waitUntil(
        'the analysis finished',
        async () => (await q<AnalysisRow>(ANALYSES)).find((a) => a.status !== 'running' && a.status !== 'queued'),
        120_000,
      );
      const objects = await settledObjects(q);
      const analyses = await q<AnalysisRow>(ANALYSES);
      const rerunMs = Number(rerun.startedAt) - restarted;
      rows.push({
        case: `worker SIGKILL mid analysis (round ${round + 1})`,
        fault: 'killed while the analysis was running',
        checked: `${analyses.length} analysis, ${done.status}, interruptions ${done.interruptions}; ${objects.n} result objects, ${objects.d} distinct; re-run ${seconds(rerunMs)} s after the new worker`,
        ok: analyses.length === 1 && done.status === 'succeeded' && objects.n === objects.d && rerunMs < 10_000,
        recoverySeconds: seconds(rerunMs),
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Redis restarted without its data while an analysis is queued or running: the database is the truth, the analysis still runs once. */
async function redisEmpty(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-fault-redis-'));
  const redis = await startPrivateRedis();
  try {
    await withPostgres(async (url, q) => {
      const env = {
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: url,
        REDIS_URL: redis.url,
        DISK_RESERVE_MB: '0',
        STABLE_AFTER_SECONDS: '1',
        RECONCILE_INTERVAL_SECONDS: '5',
      };
      const nidus = await startNidus(env, 'serve');
      running.push(nidus);
      const first = perfusionStudy(join(dir, 'a'), 41);
      await storescu({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: first.paths });
      const seen = await waitUntil('the analysis in the database', async () => (await q<AnalysisRow>(ANALYSES))[0], 90_000, 10);
      await redis.restartEmpty();
      const restarted = Date.now();
      // and a study sent after the restart, into the empty Redis
      const second = perfusionStudy(join(dir, 'b'), 42);
      await storescu({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: second.paths });
      await waitUntil(
        'both analyses finished',
        async () => {
          const a = await q<AnalysisRow>(ANALYSES);
          return a.length === 2 && a.every((x) => x.status === 'succeeded' || x.status === 'failed') ? a : undefined;
        },
        180_000,
        200,
      );
      const recovered = Date.now();
      const analyses = await q<AnalysisRow>(ANALYSES);
      const perStudy = new Set(analyses.map((a) => a.StudyInstanceUID)).size;
      rows.push({
        case: 'Redis restarted empty',
        fault: `restarted with nothing while the first study's analysis was ${seen.status}; a second study sent into the empty Redis`,
        checked: `${analyses.length} analyses for ${perStudy} studies, ${analyses.filter((a) => a.status === 'succeeded').length} succeeded`,
        ok: analyses.length === 2 && perStudy === 2 && analyses.every((a) => a.status === 'succeeded'),
        recoverySeconds: seconds(recovered - restarted),
      });
    });
  } finally {
    await redis.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PACS (Orthanc, the STOW-RS target) down while results are made; back after a while, each object delivered exactly once. */
async function pacsDown(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-fault-pacs-'));
  let orthanc: OrthancHandle | undefined;
  try {
    await flushRedisDatabase(REDIS_DB);
    await withPostgres(async (url, q) => {
      orthanc = await startOrthanc({ aet: 'PACS' });
      const { httpPort, dicomPort, dicomWebUrl } = orthanc;
      const config = writeNidusConfig(dir, {
        delivery: { targets: [{ id: 'pacs', type: 'stow-rs', url: dicomWebUrl }], initialBackoffSeconds: 1, maxBackoffSeconds: 8, retryForSeconds: 3600 },
      });
      const env = {
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: url,
        REDIS_URL: redisUrlForDatabase(REDIS_DB),
        NIDUS_CONFIG: config,
        DISK_RESERVE_MB: '0',
        STABLE_AFTER_SECONDS: '1',
      };
      running.push(await startNidus(env, 'serve'));
      await orthanc.stop();
      const down = Date.now();
      const study = perfusionStudy(join(dir, 'ctp'), 51);
      await storescu({ port: running[0].dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: study.paths });
      const waiting = await waitUntil(
        'deliveries failing while the PACS is down',
        async () => {
          const d = await q<{ state: string; attempts: number }>('SELECT state, attempts FROM delivery');
          return d.length > 0 && d.every((x) => x.state === 'waiting') ? d : undefined;
        },
        120_000,
        200,
      );
      const left = PACS_DOWN_SECONDS * 1000 - (Date.now() - down);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      orthanc = await startOrthanc({ aet: 'PACS', httpPort, dicomPort });
      const back = Date.now();
      const objects = (await q<{ n: string }>('SELECT COUNT(*) AS n FROM result_object'))[0].n;
      await waitUntil(
        'every delivery done',
        async () => {
          const d = await q<{ state: string }>('SELECT state FROM delivery');
          return d.length === Number(objects) && d.every((x) => x.state === 'delivered');
        },
        300_000,
        200,
      );
      const delivered = Date.now();
      const twice = await q<{ n: string }>(
        `SELECT COUNT(*) AS n FROM (SELECT "SOPInstanceUID" FROM delivery_attempt WHERE outcome = 'delivered' GROUP BY "SOPInstanceUID" HAVING COUNT(*) > 1) t`,
      );
      const tries = await q<{ n: string }>(`SELECT COUNT(*) AS n FROM delivery_attempt WHERE outcome = 'retry'`);
      const inPacs = ((await orthanc.restJson<string[]>('/instances')) as string[]).length;
      rows.push({
        case: 'PACS (Orthanc) down',
        fault: `down ${seconds(back - down)} s while ${waiting.length} result objects were made`,
        checked: `${objects} objects, ${inPacs} in the PACS after; delivered twice: ${twice[0].n}; failed tries meanwhile: ${tries[0].n}`,
        ok: Number(objects) > 0 && inPacs === Number(objects) && Number(twice[0].n) === 0,
        recoverySeconds: seconds(delivered - back),
      });
    });
  } finally {
    await orthanc?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A gateway and two workers started at once on an empty PostgreSQL database, then several studies at once: each analysed once. */
async function scaleOut(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-fault-scale-'));
  try {
    await flushRedisDatabase(REDIS_DB);
    await withPostgres(async (url, q) => {
      const studies = [61, 62, 63, 64].map((seed) => perfusionStudy(join(dir, `s${seed}`), seed));
      const env = { DATA_DIR: join(dir, 'data'), DATABASE_URL: url, REDIS_URL: redisUrlForDatabase(REDIS_DB), DISK_RESERVE_MB: '0', STABLE_AFTER_SECONDS: '2' };
      const t0 = Date.now();
      const slow = { startTimeoutMs: 120_000 };
      const started = await Promise.allSettled([startNidus(env, 'gateway', slow), startNidus(env, 'worker', slow), startNidus(env, 'worker', slow)]);
      for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
      const up = Date.now();
      const allUp = started.every((s) => s.status === 'fulfilled');
      if (!allUp) throw new Error(`not all came up: ${started.map((s) => s.status).join(', ')}`);
      await Promise.all(
        studies.map((s, i) => storescu({ port: running[0].dicomPort, calledAETitle: 'NIDUS', callingAETitle: `CT${i}`, files: s.paths, timeoutMs: 300_000 })),
      );
      const sent = Date.now();
      const analyses = await waitUntil(
        'every study analysed',
        async () => {
          const a = await q<AnalysisRow>(ANALYSES);
          return a.length >= studies.length && a.every((x) => x.status === 'succeeded' || x.status === 'failed') ? a : undefined;
        },
        600_000,
        250,
      );
      const done = Date.now();
      const settled = await settledObjects(q); // a second run would show up meanwhile, too
      const objects = [settled];
      const final = await q<AnalysisRow>(ANALYSES);
      const migrations = await q<{ n: string }>('SELECT COUNT(*) AS n FROM (SELECT name FROM migrations GROUP BY name HAVING COUNT(*) > 1) t');
      const exited = running.filter((n) => n.process.exitCode !== null || n.process.signalCode !== null).length;
      // each run of an analysis logs one line when it succeeds: across both workers, one per study
      const runs = running.slice(1).reduce((n, w) => n + (w.stderr().match(/"analysis succeeded"/g)?.length ?? 0), 0);
      rows.push({
        case: 'gateway + 2 workers on PostgreSQL, started at once',
        fault: `3 processes started together (all up in ${seconds(up - t0)} s), then ${studies.length} studies at once`,
        checked: `${final.length} analyses for ${new Set(final.map((a) => a.StudyInstanceUID)).size} studies, ${final.filter((a) => a.status === 'succeeded').length} succeeded (runs logged by the workers: ${runs}), interruptions ${final.reduce((n, a) => n + a.interruptions, 0)}; ${objects[0].n} result objects (${objects[0].d} distinct); migrations run twice: ${migrations[0].n}; exited: ${exited}`,
        ok:
          final.length === studies.length &&
          analyses.length === final.length &&
          final.every((a) => a.status === 'succeeded') &&
          runs === studies.length &&
          objects[0].n === objects[0].d &&
          Number(migrations[0].n) === 0 &&
          exited === 0,
        recoverySeconds: seconds(done - sent),
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((l) => l.toFixed(2));
  const t0 = Date.now();
  const steps: [string, () => Promise<void>][] = [];
  for (let r = 0; r < ROUNDS; r++) if (CASES.includes('gateway')) steps.push([`gateway ${r + 1}`, () => gatewayKill(r)]);
  for (let r = 0; r < Math.min(ROUNDS, 2); r++) if (CASES.includes('worker')) steps.push([`worker ${r + 1}`, () => workerKill(r)]);
  if (CASES.includes('redis')) steps.push(['redis', redisEmpty]);
  if (CASES.includes('pacs')) steps.push(['pacs', pacsDown]);
  if (CASES.includes('scale')) steps.push(['scale', scaleOut]);
  for (const [name, step] of steps) {
    log(`-- ${name}`);
    try {
      await step();
    } catch (error) {
      rows.push({ case: name, fault: 'the case itself failed', checked: (error as Error).message.slice(0, 300), ok: false, recoverySeconds: null });
    }
    log(JSON.stringify(rows[rows.length - 1]));
  }
  const loadAfter = loadavg().map((l) => l.toFixed(2));
  console.log(`\nfault suite: ${rows.filter((r) => r.ok).length}/${rows.length} faults survived, ${seconds(Date.now() - t0)} s`);
  console.log(`load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n`);
  console.log('| case | fault | checked | survived | recovery (s) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.case} | ${r.fault} | ${r.checked} | ${r.ok ? 'yes' : '**no**'} | ${r.recoverySeconds ?? '-'} |`);
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
