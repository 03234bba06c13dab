import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateUid, readPart10, writePart10 } from '@nidus/dicom';
import { freePort, waitForPort } from '../net/free-port';
import { OrthancHandle, OrthancRestError, startOrthanc } from './orthanc.harness';

const run = promisify(execFile);
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };

function ctImage(rows: number, columns: number) {
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: generateUid(),
    StudyInstanceUID: generateUid(),
    SeriesInstanceUID: generateUid(),
    PatientID: 'ORTHANC-HARNESS',
    PatientName: 'Harness^Test',
    Modality: 'CT',
    Rows: rows,
    Columns: columns,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    PixelData: new Int16Array(rows * columns).map((_, i) => (i * 7) % 300),
  };
}

describe(startOrthanc.name, () => {
  let orthanc: OrthancHandle;
  let work: string;

  beforeAll(async () => {
    orthanc = await startOrthanc({ aet: 'PACS_TEST' });
    work = mkdtempSync(join(tmpdir(), 'nidus-orthanc-spec-'));
  });
  afterAll(async () => {
    await orthanc?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers /system with the configured AE title and DICOM port', async () => {
    const system = await orthanc.restJson<{ DicomAet: string; DicomPort: number }>('/system');
    expect(system.DicomAet).toBe('PACS_TEST');
    expect(system.DicomPort).toBe(orthanc.dicomPort);
  });

  it('accepts a C-STORE from storescu and lists the instance via REST and DICOMweb', async () => {
    const image = ctImage(6, 9);
    const file = join(work, 'ct.dcm');
    writeFileSync(file, writePart10(image));
    await run('storescu', ['-aet', 'HARNESS', '-aec', orthanc.aet, '127.0.0.1', String(orthanc.dicomPort), file], { env: dcmtkEnv });

    const found = await orthanc.restJson<{ ID: string; Type: string }[]>('/tools/lookup', { method: 'POST', body: image.SOPInstanceUID });
    expect(found.map((f) => f.Type)).toEqual(['Instance']);
    const tags = await orthanc.restJson<Record<string, string>>(`/instances/${found[0].ID}/simplified-tags`);
    expect(tags.SOPInstanceUID).toBe(image.SOPInstanceUID);
    expect(tags.PatientID).toBe('ORTHANC-HARNESS');
    expect(tags.Rows).toBe('6');

    const qido = await orthanc.rest(`/dicom-web/studies/${image.StudyInstanceUID}/series`, { headers: { Accept: 'application/dicom+json' } });
    expect(qido.status).toBe(200);
    const series = (await qido.json()) as Record<string, { Value?: string[] }>[];
    expect(series.map((s) => s['0020000E'].Value?.[0])).toEqual([image.SeriesInstanceUID]);
  });

  it('throws OrthancRestError for an unknown resource', async () => {
    await expect(orthanc.restJson('/instances/does-not-exist')).rejects.toBeInstanceOf(OrthancRestError);
  });
});

describe('startOrthanc modalities', () => {
  it('C-STOREs to a configured peer (dcmtk storescp)', async () => {
    const received = mkdtempSync(join(tmpdir(), 'nidus-storescp-'));
    const peerPort = await freePort();
    const storescp = spawn('storescp', ['-aet', 'PEER', '-od', received, String(peerPort)], { env: dcmtkEnv, stdio: 'ignore' });
    await waitForPort(peerPort);
    const orthanc = await startOrthanc({ aet: 'SENDER', modalities: { peer: { aet: 'PEER', host: '127.0.0.1', port: peerPort } } });
    try {
      const image = ctImage(4, 4);
      const upload = await orthanc.restJson<{ ID: string }>('/instances', { method: 'POST', body: writePart10(image) });
      const modalities = await orthanc.restJson<string[]>('/modalities');
      expect(modalities).toEqual(['peer']);
      await orthanc.restJson('/modalities/peer/store', { method: 'POST', body: JSON.stringify({ Resources: [upload.ID], Synchronous: true }) });
      const files = readdirSync(received);
      expect(files).toHaveLength(1);
      expect(readPart10(readFileSync(join(received, files[0]))).string('SOPInstanceUID')).toBe(image.SOPInstanceUID);
    } finally {
      await orthanc.stop();
      storescp.kill('SIGTERM');
      rmSync(received, { recursive: true, force: true });
    }
  });

  it('with auth, refuses anonymous requests and answers rest() calls', async () => {
    const orthanc = await startOrthanc({ auth: { username: 'nidus', password: 's3cret' }, dicomWeb: false });
    try {
      expect((await fetch(`${orthanc.httpUrl}/system`)).status).toBe(401);
      expect((await orthanc.rest('/system')).status).toBe(200);
    } finally {
      await orthanc.stop();
    }
  });

  it('stop() ends the process and deletes its directory; a second stop() is harmless', async () => {
    const orthanc = await startOrthanc({ dicomWeb: false });
    expect(existsSync(orthanc.directory)).toBe(true);
    await orthanc.stop();
    await orthanc.stop();
    expect(existsSync(orthanc.directory)).toBe(false);
    await expect(fetch(`${orthanc.httpUrl}/system`)).rejects.toThrow();
  });
});
