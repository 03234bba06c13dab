import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@nidus/config';
import { generateUid, writePart10 } from '@nidus/dicom';
import { DimseListener } from '@nidus/ingest';
import { StudyIndexRepository } from '@nidus/persistence';
import { AppContext, closeAppContext, openAppContext } from '@nidus/runtime';
import { syntheticCtElements } from '@nidus/testing';
import { RunningGateway, startGateway } from '../gateway';

// Issue 12, "identity kept": an instance's file is one-to-one with its UID, and a UID that is not a UI value is
// refused with a status and a reason, over STOW-RS and over C-STORE (real gateway, real storescu).

/** A CT instance whose SOPInstanceUID is `uid` (any string of the placeholder's length: the writer takes only valid UIDs). */
function instance(StudyInstanceUID: string, uid: string): Buffer {
  const placeholder = `1.2.${'9'.repeat(uid.length - 4)}`;
  const bytes = writePart10({
    ...syntheticCtElements(0, { rows: 8, columns: 8, StudyInstanceUID, SeriesInstanceUID: generateUid() }),
    SOPInstanceUID: placeholder,
  });
  const text = bytes.toString('latin1').split(placeholder).join(uid);
  return Buffer.from(text, 'latin1');
}

function multipart(files: Buffer[]): { body: Buffer; contentType: string } {
  const boundary = `b-${randomBytes(8).toString('hex')}`;
  const parts = files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]);
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}

const FAILED_SOP_SEQUENCE = '00081198';
const REFERENCED_SOP_INSTANCE_UID = '00081155';
const FAILURE_REASON = '00081197';

describe('instance identity', () => {
  let dir: string;
  let context: AppContext;
  let gateway: RunningGateway;
  let token: string;
  let reader: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-identity-'));
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DICOM_PORT: '0',
      LOG_LEVEL: 'silent',
      DISK_RESERVE_MB: '0',
    });
    context = await openAppContext(config, { queuePrefix: `nidus-identity-${randomBytes(4).toString('hex')}` });
    gateway = await startGateway(context);
    token = (await context.security.tokens.create({ name: 'pacs', role: 'integration', createdBy: 'test' })).token;
    reader = (await context.security.tokens.create({ name: 'reader', role: 'viewer', createdBy: 'test' })).token;
  });

  afterAll(async () => {
    await gateway?.close();
    for (const q of Object.values(context?.queue.queues ?? {})) await q.obliterate({ force: true }).catch(() => undefined);
    if (context) await closeAppContext(context);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses over STOW-RS the UIDs `…_1` and `…+1` (which once shared one file) with FailureReason 0xA900, and stores neither', async () => {
    const StudyInstanceUID = generateUid();
    const base = `1.2.826.0.1.${Date.now()}`;
    const valid = `${base}.1`;
    const { body, contentType } = multipart([
      instance(StudyInstanceUID, `${base}_1`),
      instance(StudyInstanceUID, `${base}+1`),
      instance(StudyInstanceUID, valid),
    ]);
    const res = await fetch(`${gateway.url}/dicomweb/studies`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
      body,
    });
    expect(res.status).toBe(202); // some stored, some not (PS3.18 10.5.3)
    const text = await res.text();
    if (!text.includes(REFERENCED_SOP_INSTANCE_UID)) throw new Error(text);
    const json = JSON.parse(text) as Record<string, { Value: Record<string, { Value: unknown[] }>[] }>;
    const failed = json[FAILED_SOP_SEQUENCE].Value.map((item) => [item[REFERENCED_SOP_INSTANCE_UID].Value[0], item[FAILURE_REASON].Value[0]]);
    expect(failed).toEqual([
      [`${base}_1`, 0xa900],
      [`${base}+1`, 0xa900],
    ]);
    const index = new StudyIndexRepository(context.db);
    expect((await index.studyInstances(StudyInstanceUID)).map((i) => i.SOPInstanceUID)).toEqual([valid]);
    // the valid one is the one WADO-RS answers
    const wado = await fetch(`${gateway.url}/dicomweb/studies/${StudyInstanceUID}/instances`, {
      headers: { Authorization: `Bearer ${reader}`, Accept: 'application/dicom+json' },
    });
    expect(wado.status).toBe(200);
  });

  it('refuses over STOW-RS an image whose Pixel Data was cut off, with FailureReason 0xC000 and the reason', async () => {
    const StudyInstanceUID = generateUid();
    const elements = syntheticCtElements(0, { rows: 64, columns: 64, StudyInstanceUID, SeriesInstanceUID: generateUid() });
    const file = writePart10(elements);
    const { body, contentType } = multipart([file.subarray(0, file.length - 4096)]);
    const res = await fetch(`${gateway.url}/dicomweb/studies`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
      body,
    });
    expect(res.status).toBe(409);
    const json = (await res.json()) as Record<string, { Value: Record<string, { Value: unknown[] }>[] }>;
    expect(json[FAILED_SOP_SEQUENCE].Value.map((item) => [item[REFERENCED_SOP_INSTANCE_UID].Value[0], item[FAILURE_REASON].Value[0]])).toEqual([
      [elements.SOPInstanceUID, 0xc000],
    ]);
    expect(res.headers.get('warning') ?? '').toMatch(/Pixel Data declares 8192 bytes but 4096 arrived/);
    expect(await new StudyIndexRepository(context.db).studyInstances(StudyInstanceUID)).toEqual([]);
  });

  it('answers a C-STORE whose command names an invalid UID with 0xA900, and goes on with the association', async () => {
    const StudyInstanceUID = generateUid();
    const bad = join(dir, 'bad.dcm');
    const good = join(dir, 'good.dcm');
    writeFileSync(bad, instance(StudyInstanceUID, `1.2.826.0.1.${Date.now()}_1`));
    const goodUid = generateUid();
    writeFileSync(
      good,
      writePart10({ ...syntheticCtElements(1, { rows: 8, columns: 8, StudyInstanceUID, SeriesInstanceUID: generateUid() }), SOPInstanceUID: goodUid }),
    );
    const port = gateway.app.get(DimseListener).server.port;
    const log = await new Promise<string>((resolve) =>
      execFile(
        'storescu',
        ['-v', '--no-halt', '-aec', 'NIDUS', '127.0.0.1', String(port), bad, good],
        { env: { ...process.env, TCP_NODELAY: '1' } },
        (_e, out, err) => resolve(`${out}${err}`),
      ),
    );
    expect(await new StudyIndexRepository(context.db).studyInstances(StudyInstanceUID)).toEqual([expect.objectContaining({ SOPInstanceUID: goodUid })]);
    expect(log).toMatch(/Received Store Response \(Error: DataSetDoesNotMatchSOPClass\)/);
    expect(log).not.toMatch(/Abort/i);
    expect(log).toMatch(/Received Store Response \(Success\)/);
    expect(log).toMatch(/Releasing Association/);
  });
});
