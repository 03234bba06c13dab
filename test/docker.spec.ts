import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENV_NAMES, fileConfigSchema } from '@nidus/config';

// No Docker engine runs here: check that what the compose file sets is what the configuration knows.
const root = join(__dirname, '..');

describe('docker/compose.yaml', () => {
  const compose = parse(readFileSync(join(root, 'docker/compose.yaml'), 'utf8'));
  const nidusServices = Object.entries<any>(compose.services).filter(([, s]) => s.build?.dockerfile === 'docker/Dockerfile');

  it('runs gateway and worker from our image', () => {
    expect(nidusServices.map(([name, s]) => [name, s.command[0]])).toEqual([
      ['gateway', 'gateway'],
      ['worker', 'worker'],
    ]);
  });

  it.each(['gateway', 'worker'])('sets only variables the configuration schema knows (%s)', (name) => {
    const env = Object.keys(compose.services[name].environment);
    expect(env.filter((k) => !(ENV_NAMES as string[]).includes(k))).toEqual([]);
  });

  it('mounts a NIDUS_CONFIG file that validates', () => {
    expect(() => fileConfigSchema.parse(parse(readFileSync(join(root, 'docker/nidus.yaml'), 'utf8')))).not.toThrow();
  });

  it('builds a non-root Node 20 image', () => {
    const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20\S* AS build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const [, value] of dockerfile.matchAll(/^ENV (.+)$/gm)) {
      for (const [, key] of value.matchAll(/(\w+)=/g)) if (key !== 'NODE_ENV' && key !== 'ONNXRUNTIME_NODE_INSTALL') expect(ENV_NAMES).toContain(key);
    }
  });

  it('restarts what exits, and starts gateway and workers once the database and Redis are healthy (issue 12)', () => {
    for (const [name, service] of Object.entries<any>(compose.services)) expect([name, service.restart]).toEqual([name, 'unless-stopped']);
    for (const name of ['postgres', 'redis']) expect(compose.services[name].healthcheck.test.length).toBeGreaterThan(1);
    for (const [name, service] of nidusServices) {
      expect([name, service.depends_on]).toEqual([name, { redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } }]);
    }
  });
});
