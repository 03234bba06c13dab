import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readPart10 } from '@nidus/dicom';
import {
  dciodvfy,
  flushRedisDatabase,
  generateMrStrokePhantom,
  redisUrlForDatabase,
  sleep,
  startNidus,
  startStorescp,
  storescu,
  waitUntil,
  WebhookReceiver,
  writeEnhancedMrStudy,
  writeMrStudy,
  writeNidusConfig,
  type NidusServer,
  type StorescpHandle,
} from '@nidus/testing';

// Issue 16 end to end: an MR stroke study (diffusion and DSC series) by C-STORE into `nidus serve`; the study-level
// analysis runs once both series are complete, its SEG, SR and summary images go to a C-STORE target, and the
// shipped MR stroke alert rule pages the stroke team. A healthy study pages nobody; a study without DSC gives the
// core alone after the configured wait.

// a study is generated, sent, analysed and delivered per case: minutes on a busy 2-core machine
jest.setTimeout(420_000);

const REDIS_DB = 12; // this file's own Redis database: `nidus serve` uses the default queue prefix
const SECRET = 'e2e-mr-stroke-shared-secret-0123456789';

interface AnalysisRow {
  id: string;
  kind: string;
  status: string;
  result: string | null;
  error: string | null;
  inputSeries: string | null;
}

function analyses(dataDir: string): AnalysisRow[] {
  const db = new Database(join(dataDir, 'nidus.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT id, kind, status, result, error, inputSeries FROM analysis WHERE kind = 'mr-stroke' ORDER BY queuedAt").all() as AnalysisRow[];
  } finally {
    db.close();
  }
}

describe('MR stroke through nidus serve', () => {
  let dir: string;
  let receiver: WebhookReceiver;
  let pacs: StorescpHandle;
  let nidus: NidusServer | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-mr-stroke-e2e-'));
    mkdirSync(join(dir, 'pacs'));
    await flushRedisDatabase(REDIS_DB);
    receiver = await WebhookReceiver.start({ secret: SECRET });
    pacs = await startStorescp(join(dir, 'pacs'));
  });
  afterEach(async () => {
    if (nidus && nidus.process.exitCode === null && nidus.process.signalCode === null) await nidus.stop();
    nidus = undefined;
    await pacs.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(routes?: unknown[]): Promise<NidusServer> {
    const config = writeNidusConfig(dir, {
      ...(routes ? { routes } : {}),
      delivery: { targets: [{ id: 'pacs', type: 'c-store', host: '127.0.0.1', port: pacs.port, calledAETitle: pacs.aeTitle, callingAETitle: 'NIDUS' }] },
      alerts: { teams: [{ id: 'stroke', name: 'Stroke team', onCall: [{ name: 'stroke-resident', url: receiver.url('/stroke'), secret: SECRET }] }] },
    });
    nidus = await startNidus({ DATA_DIR: join(dir, 'data'), REDIS_URL: redisUrlForDatabase(REDIS_DB), NIDUS_CONFIG: config, STABLE_AFTER_SECONDS: '2' });
    return nidus;
  }

  function study(seed: number, side: 'left' | 'right' | null, dsc = true) {
    const p = generateMrStrokePhantom({
      seed,
      lesion: side ? { side } : null,
      slices: 6,
      dsc: dsc ? { columns: 80, timePoints: 45 } : null,
      dwi: { columns: 96 },
    });
    return { p, written: writeMrStudy(p, join(dir, `study-${seed}`), { bValues: 'siemens', AccessionNumber: `MR${seed}` }) };
  }

  it('analyses diffusion and DSC as one study, sends a valid SEG and SR, and pages the stroke team', async () => {
    const { p, written } = study(811, 'left');
    const n = await serve();
    await storescu({ port: n.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'MR_SCANNER', files: written.paths });

    const page = await receiver.waitForCall('/stroke', 1, 240_000);
    expect(page.signatureValid).toBe(true);
    expect(page.json).toMatchObject({ rules: ['stroke-treatable-mr'], study: { StudyInstanceUID: written.StudyInstanceUID, AccessionNumber: 'MR811' } });
    const results = page.json.results as Record<string, number | string | null>;
    expect(results.affectedHemisphere).toBe('left');
    expect(Math.abs((results.hypoperfusionVolumeMl as number) - p.truth.hypoperfusionVolumeMl!)).toBeLessThanOrEqual(0.15 * p.truth.hypoperfusionVolumeMl!);
    expect(Math.abs((results.coreVolumeMl as number) - p.truth.coreVolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.3 * p.truth.coreVolumeMl));
    // the card of the MR result in the page, as CT perfusion's
    const image = page.json.image as { mediaType: string; width: number; base64: string };
    expect(image).toMatchObject({ mediaType: 'image/png', width: expect.any(Number) });
    expect(Buffer.from(image.base64, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');

    const [row] = analyses(join(dir, 'data'));
    expect(row.status).toBe('succeeded');
    expect(
      JSON.parse(row.inputSeries!)
        .map((s: { role: string }) => s.role)
        .sort(),
    ).toEqual(['diffusion', 'perfusion']);
    // SEG, SR and one summary image per DSC slice arrive at the PACS, valid
    const received = () => readdirSync(join(dir, 'pacs')).map((f) => readFileSync(join(dir, 'pacs', f)));
    await waitUntil('result objects at the PACS', () => received().length >= 2 + 6, 60_000);
    const bySop = new Map(received().map((bytes) => [readPart10(bytes).string('Modality'), bytes]));
    for (const modality of ['SEG', 'SR']) expect(dciodvfy(bySop.get(modality)!).errors).toEqual([]);
    expect(readPart10(bySop.get('SEG')!).string('StudyInstanceUID')).toBe(written.StudyInstanceUID);
  });

  it('analyses the study sent as Enhanced MR (one multi-frame file per acquisition) and pages the stroke team', async () => {
    const p = generateMrStrokePhantom({ seed: 814, lesion: { side: 'right' }, slices: 6, dsc: { columns: 80, timePoints: 45 }, dwi: { columns: 96 } });
    const written = writeEnhancedMrStudy(p, join(dir, 'study-814'), { AccessionNumber: 'MR814' });
    const n = await serve();
    await storescu({ port: n.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'MR_SCANNER', files: written.paths });
    const page = await receiver.waitForCall('/stroke', 1, 240_000);
    expect(page.json).toMatchObject({ rules: ['stroke-treatable-mr'], study: { StudyInstanceUID: written.StudyInstanceUID, AccessionNumber: 'MR814' } });
    const results = page.json.results as Record<string, number | string | null>;
    expect(results.affectedHemisphere).toBe('right');
    expect(Math.abs((results.hypoperfusionVolumeMl as number) - p.truth.hypoperfusionVolumeMl!)).toBeLessThanOrEqual(0.15 * p.truth.hypoperfusionVolumeMl!);
    expect(Math.abs((results.coreVolumeMl as number) - p.truth.coreVolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.3 * p.truth.coreVolumeMl));
  });

  it('pages nobody for a healthy study', async () => {
    const { written } = study(812, null);
    const n = await serve();
    await storescu({ port: n.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'MR_SCANNER', files: written.paths });
    await waitUntil('the MR stroke result', () => analyses(join(dir, 'data')).find((a) => a.status === 'succeeded'), 240_000);
    const result = JSON.parse(analyses(join(dir, 'data'))[0].result!);
    expect(result.perfusionAvailable).toBe(true);
    expect(result.hypoperfusionVolumeMl).toBeLessThan(5);
    expect(result.coreVolumeMl).toBeLessThan(5);
    await sleep(1500); // the alert check runs right after the result: give it time to (not) page
    expect(receiver.calls('/stroke')).toHaveLength(0);
  });

  it('gives the core alone after the configured wait when the study has no DSC series', async () => {
    const { p, written } = study(813, 'right', false);
    const n = await serve([{ name: 'mr', match: { Modality: ['MR'] }, analysis: 'mr-stroke', priority: 'stat', waitSeconds: 3 }]);
    const sent = Date.now();
    await storescu({ port: n.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'MR_SCANNER', files: written.paths });
    const row = await waitUntil('the core-only result', () => analyses(join(dir, 'data')).find((a) => a.status !== 'queued' && a.status !== 'running'), 60_000);
    // quiet period (2 s) then the wait (3 s): never before
    expect(Date.now() - sent).toBeGreaterThanOrEqual(5000);
    expect(row.status).toBe('succeeded');
    const result = JSON.parse(row.result!);
    expect(result.perfusionAvailable).toBe(false);
    expect(result.warnings).toContain('no perfusion series: core only');
    expect(result.hypoperfusionVolumeMl).toBeNull();
    expect(Math.abs(result.coreVolumeMl - p.truth.coreVolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.3 * p.truth.coreVolumeMl));
    expect(result.affectedHemisphere).toBe('right');
    expect(receiver.calls('/stroke')).toHaveLength(0);
  });
});
