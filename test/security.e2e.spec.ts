import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEvent, parseAuditJsonLines } from '@nidus/auth';
import { readPart10 } from '@nidus/dicom';
import {
  createApiToken,
  createTestPki,
  flushRedisDatabase,
  freePort,
  generateHeadPhantom,
  NidusServer,
  redisUrlForDatabase,
  runNidusAsync,
  runTool,
  startNidus,
  startStorescp,
  StorescpHandle,
  syntheticCtFiles,
  TestOidcIssuer,
  TestPki,
  waitUntil,
  writeNidusConfig,
  writePhantomSeries,
} from '@nidus/testing';

// Issue 13 end to end through `nidus serve`: DICOM TLS in (storescu +tls) and out (C-STORE to storescp +tls),
// HTTPS, tokens made with the CLI, OIDC sign-in against a local issuer, and the audit trail read back.

const REDIS_DB = 8;
const TIMES = Array.from({ length: 28 }, (_, i) => i * 1.6);

function multipart(files: Buffer[]): { body: Buffer; contentType: string } {
  const boundary = `b-${randomBytes(8).toString('hex')}`;
  const parts = files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]);
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}

/** A GET over HTTPS trusting only `ca`. */
function httpsGet(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function audit(nidus: NidusServer, query: string, ca?: Buffer): Promise<AuditEvent[]> {
  const headers = { Authorization: `Bearer ${await nidus.token('admin')}` };
  const url = `${nidus.url}/api/audit?${query}`;
  const res = ca ? await httpsGet(url, ca, headers) : await fetch(url, { headers }).then(async (r) => ({ status: r.status, body: await r.text() }));
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { events: AuditEvent[] }).events;
}

describe('security through nidus serve', () => {
  let dir: string;
  let pki: TestPki;
  let nidus: NidusServer | undefined;
  let storescp: StorescpHandle | undefined;
  let issuer: TestOidcIssuer | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-security-e2e-'));
    pki = createTestPki('e2e');
    await flushRedisDatabase(REDIS_DB);
  });
  afterEach(async () => {
    const stopped = await nidus?.stop();
    if (stopped && stopped.code !== 0) console.error(`nidus serve exited ${stopped.code}:\n${nidus!.stderr().slice(-3000)}`);
    await storescp?.stop();
    await issuer?.stop();
    nidus = storescp = issuer = undefined;
    pki.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes studies by storescu over DICOM TLS, refuses plain DICOM there, serves HTTPS, and delivers results over TLS to storescp +tls', async () => {
    const nidusCert = pki.issue('nidus', { server: true });
    const pacsCert = pki.issue('pacs', { commonName: 'PACS' });
    const archiveCert = pki.issue('archive', { server: true });
    const received = join(dir, 'archive');
    mkdirSync(received);
    storescp = await startStorescp(received, { extraArgs: ['+tls', archiveCert.keyFile, archiveCert.certFile, '+cf', pki.ca.certFile] });
    const tlsPort = await freePort();
    const config = writeNidusConfig(dir, {
      dicom: {
        tls: { cert: { file: nidusCert.certFile }, key: { file: nidusCert.keyFile }, ca: { file: pki.ca.certFile }, requireClientCertificate: true },
        // this AE title may call only from another network
        callingAETitleAddresses: { MODALITY_X: ['10.9.9.0/24'] },
      },
      http: { tls: { cert: { file: nidusCert.certFile }, key: { file: nidusCert.keyFile } } },
      delivery: {
        targets: [
          {
            id: 'archive',
            type: 'c-store',
            host: '127.0.0.1',
            port: storescp.port,
            calledAETitle: storescp.aeTitle,
            tls: { ca: { file: pki.ca.certFile }, cert: { file: pacsCert.certFile }, key: { file: pacsCert.keyFile } },
          },
        ],
        initialBackoffSeconds: 0.5,
      },
    });
    nidus = await startNidus(
      {
        DATA_DIR: join(dir, 'data'),
        REDIS_URL: redisUrlForDatabase(REDIS_DB),
        NIDUS_CONFIG: config,
        STABLE_AFTER_SECONDS: '2',
        DICOM_TLS_PORT: String(tlsPort),
      },
      'serve',
      { https: true },
    );
    // HTTPS with the configured certificate; nothing in the clear on that port
    expect(nidus.url).toMatch(/^https:/);
    expect((await httpsGet(`${nidus.url}/health/live`, pki.ca.cert)).status).toBe(200);
    await expect(fetch(nidus.url.replace('https:', 'http:') + '/health/live')).rejects.toThrow();

    const phantom = generateHeadPhantom({ seed: 41, columns: 96, rows: 96, slices: 6, timesSeconds: TIMES, noiseHu: 6, lesion: { side: 'left' } });
    const series = writePhantomSeries(phantom.volume, join(dir, 'study'), { PatientName: 'Tls^Patient', PatientID: 'TLS-1', AccessionNumber: 'ACC-TLS' });
    const tls = ['+tls', pacsCert.keyFile, pacsCert.certFile, '+cf', pki.ca.certFile];
    const args = (extra: string[], aet = 'CT_SCANNER') => [...extra, '-aet', aet, '-aec', 'NIDUS', '127.0.0.1', String(tlsPort)];
    // plain DICOM on the TLS port: refused in the handshake; a bound AE title from elsewhere: rejected
    const plain = await runTool('storescu', args([]).concat(series.paths.slice(0, 1)));
    expect(plain.code).not.toBe(0);
    const impostor = await runTool('storescu', args(tls, 'MODALITY_X').concat(series.paths.slice(0, 1)));
    expect(impostor.code).not.toBe(0);
    const sent = await runTool('storescu', args(tls).concat(series.paths));
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);

    // the analysis's results reach the archive over TLS (SEG, SR, summary images), for the study sent
    const modalities = () => readdirSync(received).map((name) => readPart10(readFileSync(join(received, name))));
    const results = await waitUntil(
      'the results in the archive',
      () => {
        const objects = modalities();
        const kinds = new Set(objects.map((o) => o.requireString('Modality')));
        return kinds.has('SEG') && kinds.has('SR') && kinds.has('OT') ? objects : undefined;
      },
      60_000,
      500,
    );
    for (const object of results) expect(object.requireString('StudyInstanceUID')).toBe(series.StudyInstanceUID);

    // on record: the configuration loaded, the failed handshake as a node authentication failure
    const trail = await audit(nidus, 'limit=1000', pki.ca.cert);
    expect(trail.filter((e) => e.action === 'config.load').map((e) => e.objects[0].id)).toEqual([config]);
    const node = trail.filter((e) => e.action === 'node.authentication');
    expect(node.length).toBeGreaterThanOrEqual(1);
    expect(node[0]).toMatchObject({ outcome: 4, actor: { address: expect.stringMatching(/127\.0\.0\.1/) } });
    expect(node.map((e) => e.outcomeDescription!.split(':')[0]).sort()).toEqual(['DICOM TLS handshake failed', 'association rejected']);
    expect(node.find((e) => e.actor.userId === 'dicom:MODALITY_X')!.actor).toMatchObject({ alternativeUserId: 'PACS' }); // its certificate
  }, 120_000);

  it('answers patient data only to identities: CLI tokens, OIDC sign-in and bearer tokens, and keeps the trail', async () => {
    issuer = new TestOidcIssuer('nidus-e2e', 'client-secret-of-the-e2e-test');
    await issuer.start();
    const httpPort = await freePort();
    const base = `http://127.0.0.1:${httpPort}`;
    const webhookSecret = `webhook-secret-${randomBytes(8).toString('hex')}`;
    const config = writeNidusConfig(dir, {
      auth: {
        oidc: {
          issuer: issuer.issuer,
          clientId: 'nidus-e2e',
          clientSecret: { env: 'E2E_OIDC_SECRET' },
          redirectUri: `${base}/auth/callback`,
          audience: 'nidus-api',
        },
      },
      alerts: { teams: [{ id: 'stroke', onCall: [{ name: 'pager', url: 'https://pager.example.org/x', secret: { env: 'E2E_WEBHOOK_SECRET' } }] }] },
    });
    nidus = await startNidus({
      DATA_DIR: join(dir, 'data'),
      REDIS_URL: redisUrlForDatabase(REDIS_DB),
      NIDUS_CONFIG: config,
      HTTP_PORT: String(httpPort),
      E2E_OIDC_SECRET: 'client-secret-of-the-e2e-test',
      E2E_WEBHOOK_SECRET: webhookSecret,
    });
    const bearer = async (role: Parameters<NidusServer['token']>[0]) => ({ Authorization: `Bearer ${await nidus!.token(role)}` });

    // a PACS pushes with an integration token; without one, or with another role, it is refused
    const files = syntheticCtFiles({ count: 2, rows: 16, columns: 16 });
    const StudyInstanceUID = readPart10(files[0]).requireString('StudyInstanceUID');
    const { body, contentType } = multipart(files);
    const stow = (headers: Record<string, string>) =>
      fetch(`${base}/dicomweb/studies`, { method: 'POST', headers: { 'Content-Type': contentType, ...headers }, body });
    expect((await stow({})).status).toBe(401);
    expect((await stow(await bearer('viewer'))).status).toBe(403);
    expect((await stow(await bearer('integration'))).status).toBe(200);

    const study = `${base}/api/studies/${StudyInstanceUID}`;
    expect((await fetch(study)).status).toBe(401);
    const refused = await fetch(study, { headers: await bearer('integration') });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'role integration may not read studies (needs radiologist or stroke or viewer)',
    });
    expect((await fetch(study, { headers: await bearer('viewer') })).status).toBe(200);

    // a person signs in on the page: out to the provider, back with a code, a session cookie
    issuer.user = { sub: 'dr-ada', name: 'Dr. Ada', roles: ['radiologist', 'stroke'] };
    const login = await fetch(`${base}/auth/login?returnTo=/api/studies/${StudyInstanceUID}`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const pending = login.headers.get('set-cookie')!;
    expect(pending).toMatch(/^__Host-nidus_oidc=[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, { redirect: 'manual', headers: { Cookie: pending.split(';')[0] } });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe(`/api/studies/${StudyInstanceUID}`);
    const session = callback.headers.getSetCookie().find((c) => c.startsWith('__Host-nidus_session='))!;
    expect(session).toMatch(/HttpOnly; SameSite=Lax; Secure$/);
    const cookie = session.split(';')[0];
    expect((await fetch(study, { headers: { Cookie: cookie } })).status).toBe(200);
    // the cookie does not act for another site's page: a cross-origin POST with it is refused before anything is done
    const ack = (headers: Record<string, string>) =>
      fetch(`${base}/api/alerts/00000000-0000-0000-0000-000000000000/ack`, {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
        body: '{}',
      });
    expect((await ack({ Origin: 'https://evil.example' })).status).toBe(403);
    expect((await ack({ Origin: base })).status).toBe(404); // from its own page: allowed (and there is no such alert)
    // a tampered cookie proves nothing
    expect((await fetch(study, { headers: { Cookie: cookie.slice(0, -2) + (cookie.endsWith('A') ? 'BB' : 'AA') } })).status).toBe(401);
    // and an access token of the provider, as a script would send it
    const accessToken = await issuer.sign({ sub: 'svc-1', name: 'Research script', aud: 'nidus-api', roles: ['viewer'] });
    expect((await fetch(study, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(200);
    const foreign = await issuer.sign({ sub: 'svc-1', aud: 'nidus-api', roles: ['viewer'] }, { foreign: true });
    expect((await fetch(study, { headers: { Authorization: `Bearer ${foreign}` } })).status).toBe(401);

    // the trail: each read once, by who it was; sign-in; the failures; and the JSON-lines export holds the same
    const reads = await waitUntil(
      'the audit rows of the reads',
      async () => {
        const rows = await audit(nidus!, `action=study.read&study=${StudyInstanceUID}`);
        return rows.length >= 3 ? rows : undefined;
      },
      5000,
      100,
    );
    expect(reads.map((e) => [e.actor.userName, e.actor.method]).reverse()).toEqual([
      ['e2e viewer', 'api-token'],
      ['Dr. Ada', 'session'],
      ['Research script', 'oidc-bearer'],
    ]);
    expect(reads[1].actor.userId).toBe(`${issuer.issuer}#dr-ada`);
    const signIn = await audit(nidus, 'action=user.sign-in');
    expect(signIn.map((e) => [e.actor.userName, e.outcome])).toEqual([['Dr. Ada', 0]]);
    expect((await audit(nidus, 'action=auth.failure&outcome=4')).length).toBeGreaterThanOrEqual(2);
    const exported = await fetch(`${base}/api/audit?format=jsonl&study=${StudyInstanceUID}`, { headers: await bearer('admin') });
    expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = parseAuditJsonLines(await exported.text());
    expect(lines.filter((e) => e.action === 'study.read').map((e) => e.id)).toEqual(reads.map((e) => e.id));

    // secrets by reference never show: not in the configuration view, not in the log
    const view = await (await fetch(`${base}/api/config`, { headers: await bearer('admin') })).text();
    expect(view).toContain('"secret":"[redacted]"');
    expect(view).not.toContain(webhookSecret);
    expect(view).not.toContain('client-secret-of-the-e2e-test');
    expect((await fetch(`${base}/api/config`, { headers: await bearer('viewer') })).status).toBe(403);

    // signing out ends the session in this browser, and is on record
    const logout = await fetch(`${base}/auth/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, Origin: base } });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('set-cookie')).toMatch(/^__Host-nidus_session=; Path=\/; Max-Age=0;/);
    expect((await audit(nidus, 'action=user.sign-out')).map((e) => e.actor.userName)).toEqual(['Dr. Ada']);

    // a token revoked with the CLI stops working at once
    const doomed = await createApiToken(nidus.env, 'viewer', 'revoke me');
    expect((await fetch(study, { headers: { Authorization: `Bearer ${doomed.token}` } })).status).toBe(200);
    const revoked = await runNidusAsync(['tokens', 'revoke', doomed.id], nidus.env);
    expect(revoked.stdout).toBe(`revoked ${doomed.id} "revoke me"\n`);
    expect((await fetch(study, { headers: { Authorization: `Bearer ${doomed.token}` } })).status).toBe(401);
    const listed = await runNidusAsync(['tokens', 'list'], nidus.env);
    expect(listed.stdout).toMatch(new RegExp(`^${doomed.id}\\trevoke me\\tviewer\\tnidus_.{4}…\\t.*\\trevoked `, 'm'));
    expect(listed.stdout).not.toContain(doomed.token);
    const tokenRows = await audit(nidus, 'action=token.create,token.revoke');
    expect(tokenRows.filter((e) => e.objects[0].id === `token:${doomed.id}`).map((e) => [e.action, e.actor.userId.startsWith('cli:')])).toEqual([
      ['token.revoke', true],
      ['token.create', true],
    ]);
    expect(nidus.stderr()).not.toContain(webhookSecret);
    expect(nidus.stderr()).not.toContain(doomed.token);
  }, 120_000);
});
