import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Permission, Role, ROLES, rolesGranting } from '@nidus/auth';
import { loadConfig } from '@nidus/config';
import { buildParametricMap, Codes, generateUid, readPart10 } from '@nidus/dicom';
import { AlertRepository, AnalysisRepository, ResultFileStore, ResultObjectRepository } from '@nidus/persistence';
import { AppContext, closeAppContext, openAppContext } from '@nidus/runtime';
import { silent, syntheticCtFiles, syntheticCtSeries, waitUntil } from '@nidus/testing';
import { RunningGateway, startGateway } from '../gateway';
import { PUBLIC_ROUTES } from './public-routes';

// The whole gateway (GatewayModule as `nidus gateway` runs it) over real HTTP: every route Express has is either
// public by PUBLIC_ROUTES or needs the permission this table gives it. A new route fails here until it is put in one.
const PERMISSION_OF: Record<string, Permission> = {
  'GET /api/alerts': 'alert:read',
  'GET /api/alerts/stream': 'alert:read',
  'GET /api/alerts/:id': 'alert:read',
  'POST /api/alerts/:id/ack': 'alert:acknowledge',
  'POST /dicomweb/studies': 'study:store',
  'POST /dicomweb/studies/:study': 'study:store',
  'GET /dicomweb/studies': 'study:read',
  'GET /dicomweb/series': 'study:read',
  'GET /dicomweb/instances': 'study:read',
  'GET /dicomweb/studies/:study/series': 'study:read',
  'GET /dicomweb/studies/:study/instances': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances': 'study:read',
  'GET /dicomweb/studies/:study': 'study:read',
  'GET /dicomweb/studies/:study/metadata': 'study:read',
  'GET /dicomweb/studies/:study/series/:series': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/metadata': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances/:instance': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances/:instance/metadata': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances/:instance/frames/:frames': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances/:instance/rendered': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances/:instance/frames/:frames/rendered': 'study:read',
  'GET /dicomweb/studies/:study/thumbnail': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/thumbnail': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances/:instance/thumbnail': 'study:read',
  'GET /dicomweb/studies/:study/series/:series/instances/:instance/bulkdata/:tag': 'study:read',
  'GET /api/studies': 'study:read',
  'GET /api/worklist': 'study:read',
  'GET /api/worklist/stream': 'study:read',
  'GET /api/review/studies/:study': 'study:read',
  'GET /api/review/studies/:study/series/:series/stack': 'study:read',
  'GET /api/review/studies/:study/analyses/:analysis/overlay': 'study:read',
  'GET /api/review/studies/:study/analyses/:analysis/maps': 'study:read',
  'GET /api/review/studies/:study/analyses/:analysis/maps/:sop': 'study:read',
  'POST /api/review/studies/:study/analyses/:analysis/reviews': 'review:decide',
  'GET /api/models/feedback': 'model:monitor',
  'GET /api/models/:id/feedback': 'model:monitor',
  'GET /api/studies/:study': 'study:read',
  'GET /api/audit': 'audit:read',
  'GET /api/config': 'config:view',
  'GET /api/tokens': 'token:manage',
  'POST /api/tokens': 'token:manage',
  'DELETE /api/tokens/:id': 'token:manage',
  'GET /api/deliveries': 'delivery:manage',
  'POST /api/deliveries/resend': 'delivery:manage',
};

/** method + path of every route Express holds (Nest registers each controller route on the app's router). */
function expressRoutes(app: NestExpressApplication): string[] {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
  return router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${layer.route!.path}`)
      : [],
  );
}

/** A GET with headers fetch will not send as given (Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function multipart(files: Buffer[]): { body: Buffer; contentType: string } {
  const boundary = `b-${randomBytes(8).toString('hex')}`;
  const parts = files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]);
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}

describe('route security of the gateway', () => {
  let dataDir: string;
  let context: AppContext;
  let gateway: RunningGateway;
  let url: string;
  const tokens = {} as Record<Role, string>;
  const tokenIds = {} as Record<Role, string>;
  // study A raised an alert (the stroke role may read it), study B did not
  const studyA = { StudyInstanceUID: generateUid(), SeriesInstanceUID: '', SOPInstanceUID: '', files: [] as Buffer[] };
  const studyB = { StudyInstanceUID: generateUid(), files: [] as Buffer[] };
  let alertId: string;
  let reviewedAnalysisId: string;
  let mapUid: string;
  let doomedTokenId: string;

  async function call(method: string, path: string, role?: Role, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
    const abort = new AbortController();
    const headers = new Headers(init.headers);
    if (role) headers.set('Authorization', `Bearer ${tokens[role]}`);
    const res = await fetch(url + path, { ...init, method, headers, signal: abort.signal });
    // the alert stream never ends by itself: its status and headers are the answer
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      abort.abort();
      return { status: res.status, body: '', headers: res.headers };
    }
    return { status: res.status, body: await res.text(), headers: res.headers };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nidus-route-security-'));
    const config = loadConfig({ DATA_DIR: dataDir, DICOM_PORT: '0', HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent', DISK_RESERVE_MB: '0' });
    context = await openAppContext(config, { queuePrefix: `test-route-security-${process.pid}`, logger: silent });
    gateway = await startGateway(context);
    url = gateway.url;
    for (const role of ROLES) {
      const created = await context.security.tokens.create({ name: `${role} test`, role, createdBy: 'test' });
      tokens[role] = created.token;
      tokenIds[role] = created.record.id;
    }
    doomedTokenId = (await context.security.tokens.create({ name: 'to revoke', role: 'viewer', createdBy: 'test' })).record.id;
    studyA.files = syntheticCtFiles({ count: 2, rows: 16, columns: 16, StudyInstanceUID: studyA.StudyInstanceUID });
    studyB.files = syntheticCtFiles({ count: 1, rows: 16, columns: 16, StudyInstanceUID: studyB.StudyInstanceUID });
    const first = readPart10(studyA.files[0]);
    studyA.SeriesInstanceUID = first.requireString('SeriesInstanceUID');
    studyA.SOPInstanceUID = first.requireString('SOPInstanceUID');
    for (const files of [studyA.files, studyB.files]) {
      const { body, contentType } = multipart(files);
      const stored = await call('POST', '/dicomweb/studies', 'integration', { body, headers: { 'Content-Type': contentType } });
      expect(stored.status).toBe(200);
    }
    const { analysis } = await new AnalysisRepository(context.db).createOnce({
      inputKey: randomBytes(32).toString('hex'),
      StudyInstanceUID: studyA.StudyInstanceUID,
      SeriesInstanceUID: studyA.SeriesInstanceUID,
      kind: 'test',
      priority: 'stat',
      instanceCount: 2,
    });
    const { alert } = await new AlertRepository(context.db).createOnce({
      analysisId: analysis.id,
      updatesAlertId: null,
      level: 'critical',
      team: 'stroke',
      payload: { study: { StudyInstanceUID: studyA.StudyInstanceUID }, summary: 'test' },
    });
    alertId = alert.id;
    // a finished CT perfusion run, for the review routes
    const analyses = new AnalysisRepository(context.db);
    const { analysis: ctp } = await analyses.createOnce({
      inputKey: randomBytes(32).toString('hex'),
      StudyInstanceUID: studyA.StudyInstanceUID,
      SeriesInstanceUID: studyA.SeriesInstanceUID,
      kind: 'ctp',
      priority: 'stat',
      instanceCount: 2,
    });
    await analyses.markSucceeded(ctp.id, {
      coreVolumeMl: 12,
      hypoperfusionVolumeMl: 80,
      tmax10VolumeMl: 30,
      mismatchVolumeMl: 68,
      mismatchRatio: 6.7,
      hypoperfusionIntensityRatio: 0.38,
      affectedHemisphere: 'left',
      eligibility: { defuse3: true, extend: true },
      warnings: [],
    });
    reviewedAnalysisId = ctp.id;
    // with a Tmax map, for the maps routes (a synthetic source: the routes read the map's own file)
    const mapSource = syntheticCtSeries({ rows: 4, columns: 4, slices: 1 });
    const pm = buildParametricMap(
      {
        source: mapSource.datasets[0],
        geometry: mapSource.geometry,
        quantity: Codes.Tmax,
        unit: Codes.Second,
        label: 'TMAX',
        values: new Float32Array(16).fill(3),
        displayRange: [0, 12],
        instanceKey: 'tmax',
      },
      { softwareVersion: 'test' },
    );
    const path = new ResultFileStore(dataDir).write(ctp.id, 'pm', pm.SOPInstanceUID, pm.bytes);
    await new ResultObjectRepository(context.db).recordOnce({ ...pm, analysisId: ctp.id, kind: 'pm', path });
    mapUid = pm.SOPInstanceUID;
  });

  afterAll(async () => {
    await gateway?.close();
    if (context) {
      for (const q of Object.values(context.queue.queues)) await q.obliterate({ force: true }).catch(() => undefined);
      await closeAppContext(context);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has no route that is neither public nor guarded by a permission', () => {
    const routes = expressRoutes(gateway.app as NestExpressApplication);
    expect(routes.length).toBeGreaterThan(30);
    const unclassified = routes.filter((r) => !(r in PUBLIC_ROUTES) && !(r in PERMISSION_OF));
    expect(unclassified).toEqual([]);
    // and nothing listed that no longer exists
    expect([...Object.keys(PUBLIC_ROUTES), ...Object.keys(PERMISSION_OF)].filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('answers each guarded route 401 without a credential, 403 with the reason to a role that may not, and 2xx to one that may', async () => {
    const pathOf = (route: string) =>
      route
        .split(' ')[1]
        .replace(':study', studyA.StudyInstanceUID)
        .replace(':series', studyA.SeriesInstanceUID)
        .replace(':instance', studyA.SOPInstanceUID)
        .replace(':frames', '1')
        .replace(':tag', '7FE00010')
        .replace(':analysis', reviewedAnalysisId)
        .replace(':sop', mapUid)
        .replace(':id', route.startsWith('DELETE /api/tokens') ? doomedTokenId : route.startsWith('GET /api/models') ? 'ctp' : alertId);
    const requestOf = (route: string): RequestInit => {
      if (route.startsWith('POST /dicomweb/studies')) {
        const { body, contentType } = multipart(studyA.files.slice(0, 1));
        return { body, headers: { 'Content-Type': contentType } };
      }
      if (route === 'POST /api/tokens')
        return { body: JSON.stringify({ name: 'made by admin', role: 'viewer' }), headers: { 'Content-Type': 'application/json' } };
      if (route === 'POST /api/alerts/:id/ack') return { body: '{}', headers: { 'Content-Type': 'application/json' } };
      if (route.endsWith('/reviews'))
        return { body: JSON.stringify({ findingKey: 'coreVolumeMl', decision: 'accepted' }), headers: { 'Content-Type': 'application/json' } };
      return {};
    };
    // stroke reads only studies that raised an alert: study A did; a search names no study
    const grants = (route: string, permission: Permission, role: Role) =>
      rolesGranting(permission).includes(role) && (role !== 'stroke' || !permission.startsWith('study:') || route.includes(':study'));
    const outcomes: string[] = [];
    const reasons: string[] = [];
    for (const route of Object.keys(PERMISSION_OF)) {
      const [method] = route.split(' ');
      const anonymous = await call(method, pathOf(route), undefined, requestOf(route));
      outcomes.push(`${route} anonymous ${anonymous.status} ${anonymous.body}`);
      for (const role of ROLES) {
        const answer = await call(method, pathOf(route), role, requestOf(route));
        const ok = answer.status >= 200 && answer.status < 300;
        outcomes.push(`${route} ${role} ${ok ? 'ok' : answer.status === 403 ? 'denied' : answer.status}`);
        if (answer.status === 403) reasons.push(JSON.parse(answer.body).message);
      }
    }
    expect(outcomes).toEqual(
      Object.entries(PERMISSION_OF).flatMap(([route, permission]) => [
        `${route} anonymous 401 {"statusCode":401,"error":"Unauthorized"}`,
        ...ROLES.map((role) => `${route} ${role} ${grants(route, permission, role) ? 'ok' : 'denied'}`),
      ]),
    );
    // each refusal says in one line which role may not do what
    for (const reason of reasons) expect(reason).toMatch(/^roles? [a-z, ]+ may [^\n]+$/);
  });

  it('lets the stroke role read only studies that raised an alert', async () => {
    expect((await call('GET', `/api/studies/${studyA.StudyInstanceUID}`, 'stroke')).status).toBe(200);
    const denied = await call('GET', `/api/studies/${studyB.StudyInstanceUID}`, 'stroke');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'role stroke may read studies only for studies that raised an alert',
    });
    const trail = await context.security.auditLog.query({ actions: ['access.denied'], StudyInstanceUID: studyB.StudyInstanceUID });
    expect(trail[0]).toMatchObject({
      outcome: 4,
      outcomeDescription: 'role stroke may read studies only for studies that raised an alert',
      actor: { userName: 'stroke test' },
    });
  });

  it('records each read as one audit row with the verified identity: two users, two rows', async () => {
    const path = `/api/studies/${studyB.StudyInstanceUID}`;
    expect((await call('GET', path, 'radiologist')).status).toBe(200);
    expect((await call('GET', path, 'viewer')).status).toBe(200);
    expect((await call('GET', `/dicomweb/studies/${studyB.StudyInstanceUID}/metadata`, 'viewer')).status).toBe(200);
    const reads = await waitUntil(
      'the audit rows of the reads',
      async () => {
        const rows = await context.security.auditLog.query({ actions: ['study.read'], StudyInstanceUID: studyB.StudyInstanceUID });
        return rows.length >= 3 ? rows : undefined;
      },
      3000,
      20,
    );
    expect(reads.map((e) => [e.actor.userName, e.actor.method, e.outcome]).reverse()).toEqual([
      ['radiologist test', 'api-token', 0],
      ['viewer test', 'api-token', 0],
      ['viewer test', 'api-token', 0],
    ]);
    expect(reads[2].actor.userId).toBe(`token:${tokenIds.radiologist}`);
    expect(reads[0].actor.address).toMatch(/127\.0\.0\.1/);
    // the patient is named as PS3.15 A.5.3.2 asks, beside the study
    expect(reads[0].objects.map((o) => o.idType.code)).toEqual(['110180', '2']);
    // a QIDO search is a query row holding the query
    expect((await call('GET', `/dicomweb/studies?StudyInstanceUID=${studyB.StudyInstanceUID}`, 'viewer')).status).toBe(200);
    const query = await waitUntil('the query row', async () => (await context.security.auditLog.query({ actions: ['study.query'], limit: 1 }))[0], 3000, 20);
    expect(query.objects[0]).toMatchObject({ idType: { code: '110181' }, query: `StudyInstanceUID=${studyB.StudyInstanceUID}` });
  });

  it('keeps error bodies free of stack traces, paths and SQL', async () => {
    const malformed = await call('POST', `/api/alerts/${alertId}/ack`, undefined, { body: '{"by":', headers: { 'Content-Type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).not.toMatch(/at .*\.js|\/work\/|node_modules|SyntaxError:/);
    const unknown = await call('GET', '/nowhere');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nowhere' });
  });

  it('sends security headers, refuses other host names (DNS rebinding) and allows no cross-origin reads', async () => {
    const health = await call('GET', '/health/live');
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(health.headers.get('referrer-policy')).toBe('no-referrer');
    expect(health.headers.get('x-powered-by')).toBeNull();
    const viewer = { Authorization: `Bearer ${tokens.viewer}` };
    const rebound = await rawGet(`${url}/api/studies`, { ...viewer, Host: 'evil.example:8080' });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain(studyA.StudyInstanceUID);
    expect((await rawGet(`${url}/api/studies`, { ...viewer, Host: `localhost:${new URL(url).port}` })).status).toBe(200);
    expect((await rawGet(`${url}/health`, { Host: 'evil.example' })).status).toBe(200); // probes answer whatever the name
    const cors = await call('GET', '/api/studies', 'viewer', { headers: { Origin: 'https://elsewhere.example' } });
    expect(cors.headers.get('access-control-allow-origin')).toBeNull();
  });

  // last: it locks this address out
  it('counts bad credentials per address: audited, then 429 with Retry-After past the limit', async () => {
    const bad = await call('GET', '/api/studies', undefined, { headers: { Authorization: 'Bearer nidus_' + 'x'.repeat(43) } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="nidus", error="invalid_token"');
    const failure = await context.security.auditLog.query({ actions: ['auth.failure'], limit: 1 });
    expect(failure[0]).toMatchObject({ outcome: 4, outcomeDescription: 'unknown API token', actor: { userId: 'anonymous' } });
    let status = 401;
    for (let i = 0; i < 12 && status === 401; i++)
      status = (await call('GET', '/api/studies', undefined, { headers: { Authorization: 'Bearer not-a-token' } })).status;
    expect(status).toBe(429);
    const limited = await call('GET', '/api/studies', 'viewer');
    expect(limited.status).toBe(429); // even a good token waits: the address is locked out, not the token
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
