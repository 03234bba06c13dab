import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  redisUrlForDatabase,
  startNidus,
  startPrivateRedis,
  storescu,
  storescuAnswered,
  syntheticCtFiles,
  waitUntil,
  writePhantomSeries,
} from '@nidus/testing';

// Issue 12, the short cases of the fault suite, against real processes (bin/nidus.js): SIGKILL of the gateway in
// the middle of a C-STORE association, SIGKILL of the worker in the middle of an analysis, and Redis away while a
// study comes in. The long cases are bench/fault-suite.ts.

const REDIS_DB = 12;

/** The data set of a Part 10 file (after its File Meta): what a C-STORE carries and Nidus keeps byte for byte. */
function dataSetOf(file: Buffer): Buffer {
  return file.subarray(readPart10Layout(file).dataSetOffset);
}

describe('fault suite (short cases)', () => {
  let dir: string;
  const running: NidusServer[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-faults-'));
    await flushRedisDatabase(REDIS_DB);
  });
  afterEach(async () => {
    for (const n of running.splice(0)) if (n.process.exitCode === null && n.process.signalCode === null) await n.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL of the gateway mid C-STORE: every instance answered Success is on disk byte for byte; resending duplicates nothing', async () => {
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

    // storescu -v names each file it sends and the answer to it; kill the gateway once 30 were answered Success
    const { answered } = await storescuAnswered({
      port: gateway.dicomPort,
      calledAETitle: 'NIDUS',
      files: paths,
      onAnswered: (count) => {
        if (count >= 30 && gateway.process.exitCode === null && gateway.process.signalCode === null) gateway.process.kill('SIGKILL');
      },
    });
    expect(answered.length).toBeGreaterThanOrEqual(30);
    expect(answered.length).toBeLessThan(paths.length);

    // every instance answered Success survived the kill, byte for byte
    for (const path of answered) {
      const sent = readFileSync(path);
      const ds = readPart10(sent);
      const stored = join(env.DATA_DIR, 'instances', ds.string('StudyInstanceUID')!, ds.string('SeriesInstanceUID')!, `${ds.string('SOPInstanceUID')}.dcm`);
      expect([path, existsSync(stored)]).toEqual([path, true]);
      expect(dataSetOf(readFileSync(stored)).equals(dataSetOf(sent))).toBe(true);
    }

    // started again, the whole series sent again: each instance once, in the index and on disk
    const again = await startNidus(env, 'gateway');
    running.push(again);
    await storescu({ port: again.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: paths });
    const token = await again.token('viewer');
    const study = readPart10(files[0]).string('StudyInstanceUID')!;
    const res = await fetch(`${again.url}/api/studies/${study}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as { instanceCount: number; series: { instanceCount: number }[] };
    expect(summary.instanceCount).toBe(paths.length);
    expect(summary.series).toHaveLength(1);
  }, 120_000);

  it('SIGKILL of the worker mid analysis: run again within 10 s of the new worker, one analysis, one result', async () => {
    const pg = await createPostgresDatabase();
    const url = pg.config.type === 'postgres' ? pg.config.url : '';
    const db = new Client({ connectionString: url });
    try {
      const phantom = generateHeadPhantom({
        seed: 12,
        columns: 128,
        rows: 128,
        slices: 8,
        timesSeconds: Array.from({ length: 30 }, (_, i) => i * 1.5),
        noiseHu: 5,
        lesion: { side: 'left' },
      });
      const series = writePhantomSeries(phantom.volume, join(dir, 'ctp'));
      const env = { DATA_DIR: join(dir, 'data'), DATABASE_URL: url, REDIS_URL: redisUrlForDatabase(REDIS_DB), DISK_RESERVE_MB: '0', STABLE_AFTER_SECONDS: '1' };
      const gateway = await startNidus(env, 'gateway');
      running.push(gateway);
      const first = await startNidus(env, 'worker');
      running.push(first);
      await storescu({ port: gateway.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });
      await db.connect();
      const analysis = async () =>
        (
          await db.query<{ id: string; status: string; startedAt: string | null; interruptions: number }>(
            'SELECT id, status, "startedAt", interruptions FROM analysis',
          )
        ).rows;

      const runningNow = await waitUntil('the analysis running', async () => (await analysis()).find((a) => a.status === 'running'), 60_000, 10);
      first.process.kill('SIGKILL');
      await new Promise((r) => first.process.once('exit', r));
      expect((await analysis())[0].status).toBe('running'); // cut off, not finished

      const second = await startNidus(env, 'worker');
      const restarted = Date.now(); // the new worker consumes the queues from here
      running.push(second);
      const rerun = await waitUntil('the analysis started again', async () => (await analysis()).find((a) => a.startedAt !== runningNow.startedAt), 30_000, 20);
      expect(Number(rerun.startedAt) - restarted).toBeLessThan(10_000);
      const done = await waitUntil(
        'the analysis finished',
        async () => (await analysis()).find((a) => a.status !== 'running' && a.status !== 'queued'),
        90_000,
      );
      expect(done).toMatchObject({ status: 'succeeded', interruptions: 1 });
      expect(await analysis()).toHaveLength(1);
      // the numbers are stored first, the DICOM objects after them
      const objects = await waitUntil(
        'the result objects stored',
        async () => {
          const q = await db.query<{ kind: string; n: string }>('SELECT kind, COUNT(*) AS n FROM result_object GROUP BY kind ORDER BY kind');
          return q.rows.length > 0 ? q : undefined;
        },
        60_000,
      );
      const distinct = await db.query<{ n: string }>('SELECT COUNT(DISTINCT "SOPInstanceUID") AS n FROM result_object');
      expect(Number(distinct.rows[0].n)).toBe(objects.rows.reduce((n, r) => n + Number(r.n), 0));
    } finally {
      await db.end().catch(() => undefined);
      for (const n of running.splice(0)) if (n.process.exitCode === null && n.process.signalCode === null) await n.stop();
      await pg.drop();
    }
  }, 240_000);
  it('Redis away while a perfusion study comes in: every instance answered Success, and analysed once Redis is back empty', async () => {
    const redis = await startPrivateRedis();
    try {
      const phantom = generateHeadPhantom({
        seed: 1213,
        columns: 96,
        rows: 96,
        slices: 4,
        timesSeconds: Array.from({ length: 30 }, (_, i) => i * 2),
        noiseHu: 5,
        lesion: { side: 'right' },
      });
      const series = writePhantomSeries(phantom.volume, join(dir, 'ctp'));
      const env = { DATA_DIR: join(dir, 'data'), REDIS_URL: redis.url, DISK_RESERVE_MB: '0', STABLE_AFTER_SECONDS: '1', RECONCILE_INTERVAL_SECONDS: '1' };
      const nidus = await startNidus(env);
      running.push(nidus);
      const token = await nidus.token('viewer');

      await redis.kill();
      const { answered } = await storescuAnswered({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });
      expect(answered).toHaveLength(series.paths.length); // ingest does not need the queue to store and answer
      const health = await fetch(`${nidus.url}/health/ready`);
      expect(health.status).toBe(503); // and says what it is missing

      await redis.restartEmpty(); // nothing of the checks queued meanwhile survives
      const study = async () => {
        const res = await fetch(`${nidus.url}/api/studies/${series.StudyInstanceUID}`, { headers: { Authorization: `Bearer ${token}` } });
        return res.status === 200
          ? ((await res.json()) as { instanceCount: number; series: { analyses: { status: string; result: unknown }[] }[] })
          : undefined;
      };
      const done = await waitUntil(
        'the analysis after Redis came back',
        async () => {
          const s = await study();
          const analyses = s?.series.flatMap((x) => x.analyses) ?? [];
          return analyses.length && analyses.every((a) => a.status === 'succeeded' || a.status === 'failed') ? { s, analyses } : undefined;
        },
        60_000,
        200,
      );
      expect(done.s!.instanceCount).toBe(series.paths.length);
      expect(done.analyses.map((a) => a.status)).toEqual(['succeeded']);
    } finally {
      await redis.kill();
    }
  }, 120_000);
});
