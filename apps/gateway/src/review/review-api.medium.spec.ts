import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@nidus/auth';
import { loadConfig } from '@nidus/config';
import { generateUid, readPart10 } from '@nidus/dicom';
import { AnalysisRepository } from '@nidus/persistence';
import { AppContext, closeAppContext, openAppContext } from '@nidus/runtime';
import { silent, syntheticCtFiles } from '@nidus/testing';
import { RunningGateway, startGateway } from '../gateway';

// Review decisions through the whole gateway (SQLite, real HTTP, the security guard): stored with the verified
// identity and the time, audited, never touching the analysis; a re-analysis marks the reviews of the earlier run;
// bad decisions are refused with the reason; only roles with review:decide may decide.

const RESULT = {
  coreVolumeMl: 12.34,
  hypoperfusionVolumeMl: 80,
  tmax10VolumeMl: 30,
  mismatchVolumeMl: 67.66,
  mismatchRatio: 6.5,
  hypoperfusionIntensityRatio: 0.38,
  affectedHemisphere: 'left',
  eligibility: { defuse3: true, extend: true },
  warnings: [],
};

describe('review decisions', () => {
  let dataDir: string;
  let context: AppContext;
  let gateway: RunningGateway;
  const tokens = {} as Record<Role, string>;
  const StudyInstanceUID = generateUid();
  let SeriesInstanceUID: string;
  let analyses: AnalysisRepository;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nidus-review-api-'));
    const config = loadConfig({ DATA_DIR: dataDir, DICOM_PORT: '0', HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent', DISK_RESERVE_MB: '0' });
    context = await openAppContext(config, { queuePrefix: `test-review-api-${randomBytes(4).toString('hex')}`, logger: silent });
    gateway = await startGateway(context);
    for (const role of ['radiologist', 'viewer', 'admin'] as Role[]) {
      tokens[role] = (await context.security.tokens.create({ name: `Dr ${role}`, role, createdBy: 'test' })).token;
    }
    const files = syntheticCtFiles({ count: 2, rows: 16, columns: 16, StudyInstanceUID });
    SeriesInstanceUID = readPart10(files[0]).requireString('SeriesInstanceUID');
    const boundary = 'b0undary';
    const body = Buffer.concat([
      ...files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const integration = (await context.security.tokens.create({ name: 'pacs', role: 'integration', createdBy: 'test' })).token;
    const stored = await fetch(`${gateway.url}/dicomweb/studies`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${integration}`, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
      body,
    });
    expect(stored.status).toBe(200);
    analyses = new AnalysisRepository(context.db);
  });

  afterAll(async () => {
    await gateway.close();
    await closeAppContext(context);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(): Promise<string> {
    const { analysis } = await analyses.createOnce({
      inputKey: randomBytes(32).toString('hex'),
      StudyInstanceUID,
      SeriesInstanceUID,
      kind: 'ctp',
      analysisVersion: '1.0.0',
      modelId: 'ctp-deconvolution',
      modelVersion: '1.0.0',
      priority: 'stat',
      instanceCount: 2,
    });
    await analyses.markSucceeded(analysis.id, RESULT);
    return analysis.id;
  }

  const call = (method: string, path: string, role: Role, body?: unknown) =>
    fetch(gateway.url + path, {
      method,
      headers: { Authorization: `Bearer ${tokens[role]}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('stores each decision with who and when, audits it, leaves the analysis alone, and marks reviews of an earlier run', async () => {
    const first = await run();
    const path = `/api/review/studies/${StudyInstanceUID}/analyses/${first}/reviews`;
    const before = Date.now();
    const accepted = await call('POST', path, 'radiologist', { findingKey: 'coreVolumeMl', decision: 'accepted', comment: 'agree' });
    expect(accepted.status).toBe(201);
    expect(await accepted.json()).toMatchObject({ decision: 'accepted', analysisValue: 12.3, reviewerName: 'Dr radiologist', current: true });
    const corrected = await call('POST', path, 'radiologist', { findingKey: 'hypoperfusionVolumeMl', decision: 'corrected', correction: { value: 95 } });
    expect(await corrected.json()).toMatchObject({ decision: 'corrected', analysisValue: 80, correction: { value: 95, unit: 'mL' } });
    const side = await call('POST', path, 'radiologist', { findingKey: 'affectedHemisphere', decision: 'corrected', correction: { side: 'right' } });
    expect(await side.json()).toMatchObject({ analysisValue: 'left', correction: { side: 'right' } });

    const study = (await (await call('GET', `/api/review/studies/${StudyInstanceUID}`, 'viewer')).json()) as any;
    expect(
      study.reviews.map((r: any) => [r.findingKey, r.decision, r.reviewer.startsWith('token:'), Date.parse(r.reviewedAt) >= before - 5, r.current]),
    ).toEqual([
      ['coreVolumeMl', 'accepted', true, true, true],
      ['hypoperfusionVolumeMl', 'corrected', true, true, true],
      ['affectedHemisphere', 'corrected', true, true, true],
    ]);
    expect((await analyses.findById(first))!.result).toEqual(RESULT); // never overwritten

    const audit = (await context.security.auditLog.query({} as never)).filter((e) => e.action === 'review.decide');
    expect(audit.map((e) => [e.actor.userName, e.objects[0].id, (e.objects[0] as any).detail.analysisId, (e.objects[0] as any).detail.decision])).toEqual([
      ['Dr radiologist', StudyInstanceUID, first, 'corrected'],
      ['Dr radiologist', StudyInstanceUID, first, 'corrected'],
      ['Dr radiologist', StudyInstanceUID, first, 'accepted'],
    ]);

    // feedback before re-analysis: 1 accepted, 2 corrected; the volume off by 15 mL
    const feedback = (await (await call('GET', '/api/models/ctp/feedback', 'admin')).json()) as any;
    expect(feedback.versions).toEqual([
      expect.objectContaining({
        modelVersion: '1.0.0',
        accepted: 1,
        corrected: 2,
        rejected: 0,
        decisions: 3,
        meanAbsoluteVolumeDifferenceMl: 15,
        correctedVolumes: 1,
      }),
    ]);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^nidus_model_acceptance_ratio\{model="ctp-deconvolution",version="1.0.0"\} 0\.333/m);
    expect(metrics).toMatch(/^nidus_model_corrected_volume_mean_absolute_difference_ml\{model="ctp-deconvolution",version="1.0.0"\} 15$/m);
    expect(metrics).toMatch(/^nidus_review_decisions_total\{model="ctp-deconvolution",version="1.0.0",decision="corrected"\} 2$/m);

    // re-analysis: the reviews stay, marked as referring to the earlier run
    await new Promise((r) => setTimeout(r, 5));
    const second = await run();
    const after = (await (await call('GET', `/api/review/studies/${StudyInstanceUID}`, 'radiologist')).json()) as any;
    expect(after.analyses.map((a: any) => [a.id, a.current])).toEqual([
      [first, false],
      [second, true],
    ]);
    expect(after.reviews.every((r: any) => r.analysisId === first && r.current === false)).toBe(true);
    const onSecond = await call('POST', `/api/review/studies/${StudyInstanceUID}/analyses/${second}/reviews`, 'radiologist', {
      findingKey: 'coreVolumeMl',
      decision: 'rejected',
    });
    expect(await onSecond.json()).toMatchObject({ analysisId: second, current: true });
  });

  it('refuses bad decisions with the reason, and roles without review:decide', async () => {
    const id = await run();
    const path = `/api/review/studies/${StudyInstanceUID}/analyses/${id}/reviews`;
    const unknown = await call('POST', path, 'radiologist', { findingKey: 'noSuchThing', decision: 'accepted' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).message).toMatch(/^findingKey: 'noSuchThing' is not a finding of this analysis \(coreVolumeMl, /);
    const empty = await call('POST', path, 'radiologist', { findingKey: 'coreVolumeMl', decision: 'corrected' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as any).message).toContain('a correction gives the corrected value or side');
    expect(
      (
        await call('POST', `/api/review/studies/${StudyInstanceUID}/analyses/${randomBytes(4).toString('hex')}/reviews`, 'radiologist', {
          findingKey: 'coreVolumeMl',
          decision: 'accepted',
        })
      ).status,
    ).toBe(404);
    expect((await call('POST', path, 'viewer', { findingKey: 'coreVolumeMl', decision: 'accepted' })).status).toBe(403);
  });

  it('lists no maps for a run without Parametric Maps, answers 404 for a map it does not have, and needs study:read', async () => {
    const id = await run();
    const maps = `/api/review/studies/${StudyInstanceUID}/analyses/${id}/maps`;
    const listed = await call('GET', maps, 'viewer');
    expect([listed.status, await listed.json()]).toEqual([200, { maps: [] }]);
    expect((await call('GET', `${maps}/${generateUid()}`, 'viewer')).status).toBe(404);
    expect((await fetch(gateway.url + maps)).status).toBe(401);
  });
});
