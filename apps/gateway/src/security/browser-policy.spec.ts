import type { Request, Response } from 'express';
import { loadConfig } from '@nidus/config';
import { allowedHostNames, hostAllowList } from './browser-policy';
import { sameOrigin } from './same-origin';

function answer(host: string, path = '/api/studies'): number {
  const config = { ...loadConfig({}), alerts: { ...loadConfig({}).alerts, publicBaseUrl: 'https://nidus.example.org' } };
  let status = 0;
  const res = { status: (s: number) => ((status = s), { json: () => undefined }) } as unknown as Response;
  hostAllowList(config)({ headers: { host }, path } as Request, res, () => (status = 200));
  return status;
}

describe(hostAllowList.name, () => {
  it.each([
    ['nidus.example.org', 200],
    ['NIDUS.example.org:443', 200],
    ['localhost:8080', 200],
    ['127.0.0.1:8080', 200],
    ['[::1]:8080', 200],
    ['10.1.2.3', 200],
    ['rebind.attacker.example', 421],
    ['nidus.example.org.attacker.example', 421],
    ['', 421],
  ])('Host %s -> %i', (host, status) => {
    expect(answer(host)).toBe(status);
  });

  it('lets probes and scrapers in by any name, and takes an explicit list as it is', () => {
    expect(answer('gateway.svc.cluster.local', '/health/ready')).toBe(200);
    expect(answer('gateway.svc.cluster.local', '/metrics')).toBe(200);
    expect([...allowedHostNames({ ...loadConfig({}), http: { ...loadConfig({}).http, allowedHosts: ['PACS-Gateway.local'] } })]).toEqual([
      'pacs-gateway.local',
    ]);
  });
});

describe(sameOrigin.name, () => {
  const req = (headers: Record<string, string>) =>
    ({ protocol: 'https', get: (name: string) => (name === 'host' ? 'nidus.example.org' : headers[name]) }) as unknown as Request;
  it.each([
    [{}, true],
    [{ origin: 'https://nidus.example.org' }, true],
    [{ origin: 'https://evil.example' }, false],
    [{ origin: 'http://nidus.example.org' }, false],
    [{ origin: 'null' }, false],
    [{ referer: 'https://nidus.example.org/ack/x' }, true],
    [{ referer: 'https://evil.example/page' }, false],
    [{ referer: 'not a url' }, false],
  ])('%j -> %s', (headers, expected) => {
    expect(sameOrigin(req(headers))).toBe(expected);
  });
});
