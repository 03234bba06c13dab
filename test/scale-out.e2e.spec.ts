import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createPostgresDatabase, flushRedisDatabase, NidusServer, redisUrlForDatabase, startNidus } from '@nidus/testing';

// Issue 12, "start together, at any scale": a gateway and two workers started at the same moment on an empty
// PostgreSQL database all come up (migrations run once, under an advisory lock) and stay up. Real processes.

const REDIS_DB = 13;

describe('a gateway and two workers started at once on an empty database', () => {
  let dir: string;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const started: NidusServer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-scale-out-'));
    database = await createPostgresDatabase();
    await flushRedisDatabase(REDIS_DB);
  });

  afterAll(async () => {
    for (const s of started) await s.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('all come up, each migration ran once, and none exits', async () => {
    const url = database.config.type === 'postgres' ? database.config.url : '';
    const env = { DATA_DIR: dir, DATABASE_URL: url, REDIS_URL: redisUrlForDatabase(REDIS_DB), DISK_RESERVE_MB: '0' };
    // three at once on two cores: slower to start than one alone
    const slow = { startTimeoutMs: 90_000 };
    const results = await Promise.allSettled([startNidus(env, 'gateway', slow), startNidus(env, 'worker', slow), startNidus(env, 'worker', slow)]);
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
    expect(results.map((r) => (r.status === 'fulfilled' ? 'up' : String(r.reason).split('\n')[0]))).toEqual(['up', 'up', 'up']);
    expect((await fetch(`${started[0].url}/health/ready`)).status).toBe(200);

    const pg = new Client({ connectionString: url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ name: string; n: string }>('SELECT name, COUNT(*) AS n FROM migrations GROUP BY name');
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    } finally {
      await pg.end();
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(started.map((s) => s.process.exitCode)).toEqual([null, null, null]);
  }, 150_000);
});
