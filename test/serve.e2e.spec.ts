import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, flushRedisDatabase, redisUrlForDatabase, runNidus, startNidus, writeNidusConfig } from '@nidus/testing';

const REDIS_DB = 11; // this file's own Redis database: `nidus serve` uses the default queue prefix
const base = () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'nidus-serve-')), REDIS_URL: redisUrlForDatabase(REDIS_DB) });

/** A NIDUS_CONFIG whose routes send CT to an analysis no one installed. */
function routeToMissingAnalysis(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-serve-config-'));
  return writeNidusConfig(dir, { routes: [{ name: 'chest-ct', match: { Modality: ['CT'] }, analysis: 'lung-nodules' }] });
}

describe('nidus serve', () => {
  beforeAll(() => flushRedisDatabase(REDIS_DB));

  it('answers /health with 200 on the embedded defaults and ends cleanly on SIGTERM', async () => {
    const nidus = await startNidus(base());
    const health = await fetch(`${nidus.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', ready: true, checks: { database: 'up', redis: 'up' } });
    const metrics = await (await fetch(`${nidus.url}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE nidus_time_to_alert_seconds histogram$/m);
    const { code, ms } = await nidus.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(nidus.stderr()).not.toMatch(/"level":"(error|fatal)"/);
  });

  it('runs on PostgreSQL, gateway and worker as separate processes', async () => {
    const pg = await createPostgresDatabase();
    try {
      const env = { ...base(), DATABASE_URL: pg.config.type === 'postgres' ? pg.config.url : '' };
      const gateway = await startNidus(env, 'gateway');
      const workers = [await startNidus(env, 'worker'), await startNidus(env, 'worker')];
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
      for (const p of [gateway, ...workers]) expect((await p.stop()).code).toBe(0);
    } finally {
      await pg.drop();
    }
  });

  it.each([
    [{ HTTP_PORT: 'eighty' }, 2, /^nidus: HTTP_PORT: expected a port number 0-65535, got 'eighty'\n$/],
    [{ DATABASE_URL: 'oracle://db' }, 2, /^nidus: DATABASE_URL: expected postgres:\/\/.*\n$/],
    [
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nidus' },
      3,
      /^nidus: cannot open PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:1\/nidus: .*ECONNREFUSED.*\n$/,
    ],
    [{ REDIS_URL: 'redis://127.0.0.1:1' }, 3, /^nidus: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\); start it .* or set REDIS_URL\n$/],
    [
      { NIDUS_CONFIG: routeToMissingAnalysis() },
      2,
      /^nidus: route chest-ct names analysis lung-nodules, which is not installed \(installed: ctp, mr-stroke, demo-ct-hyperdensity, demo-cxr-opacity, demo-mr-lesion\)\n$/,
    ],
  ])('stops with one clear line on %j', (env, status, message) => {
    const r = runNidus(['serve'], { ...base(), ...env });
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
  });
});
