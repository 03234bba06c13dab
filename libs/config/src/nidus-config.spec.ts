import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.errors';
import { loadConfig } from './nidus-config';

describe(loadConfig.name, () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(8080);
    expect(config.dicom.port).toBe(11112);
    expect(config.dicom.aeTitle).toBe('NIDUS');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.redisPrefix).toBe('nidus');
    expect(config.database).toEqual({ type: 'sqlite', path: join(config.dataDir, 'nidus.sqlite') });
    expect(config.routes).toBeUndefined(); // the installed analyses' own routes apply
    expect(config.modelsDir).toMatch(/models$/);
  });

  it('switches to PostgreSQL on a postgres:// URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }).database).toEqual({
      type: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/test',
    });
  });

  it.each([
    [{ HTTP_PORT: 'abc' }, /^HTTP_PORT: expected a port number 0-65535, got 'abc'$/],
    [{ DICOM_PORT: '70000' }, /^DICOM_PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: expected postgres:\/\//],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL: expected redis:\/\//],
    [{ REDIS_PREFIX: 'has space' }, /^REDIS_PREFIX: expected 1-64 letters/],
    [{ DICOM_AE_TITLE: 'THIS_TITLE_IS_TOO_LONG' }, /^DICOM_AE_TITLE: /],
    [{ STABLE_AFTER_SECONDS: '-1' }, /^STABLE_AFTER_SECONDS: /],
  ])('names the bad setting in one line: %j', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('reads and validates a YAML NIDUS_CONFIG file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nidus-config-'));
    const good = join(dir, 'nidus.yaml');
    writeFileSync(good, 'dicom:\n  allowedCallingAETitles: [PACS]\nroutes:\n  - name: cxr\n    match: { Modality: [DX, CR] }\n    analysis: cxr-findings\n');
    const config = loadConfig({ NIDUS_CONFIG: good });
    expect(config.dicom.allowedCallingAETitles).toEqual(['PACS']);
    expect(config.routes).toEqual([expect.objectContaining({ name: 'cxr', analysis: 'cxr-findings', priority: 'routine' })]);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'routes:\n  - name: x\n    analysis: ctp\n    priority: urgent\n');
    expect(() => loadConfig({ NIDUS_CONFIG: bad })).toThrow(/NIDUS_CONFIG .*bad\.yaml: routes\.0\.priority/);
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'rutes: []\n');
    expect(() => loadConfig({ NIDUS_CONFIG: typo })).toThrow(/rutes/);
  });
});
