import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferSyntaxUIDs } from '@nidus/dicom';
import { pydicomFiles, StorescpHandle, startStorescp, syntheticCtFiles } from '@nidus/testing';
import { NoAcceptedPresentationContextError } from './dicom-net.errors';
import { DimseClient } from './dimse-client';
import { DimseStatus } from './dimse-status';
import { readPart10Layout } from './file-meta';
import { storeInstances } from './store-instances';

function dataSetOf(file: Buffer): Buffer {
  return file.subarray(readPart10Layout(file).dataSetOffset);
}

describe(DimseClient.name, () => {
  let dir: string;
  let storescp: StorescpHandle;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-scu-'));
  });

  afterEach(async () => {
    await storescp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('echoes dcmtk storescp', async () => {
    storescp = await startStorescp(dir);
    const client = await DimseClient.associate({
      host: '127.0.0.1',
      port: storescp.port,
      calledAETitle: storescp.aeTitle,
      callingAETitle: 'NIDUS',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [TransferSyntaxUIDs.ImplicitVRLittleEndian] }],
    });
    expect((await client.echo()).status).toBe(DimseStatus.Success);
    await client.release();
  });

  it('stores every pydicom file with a File Meta in its own syntax, and dcmtk receives the same data set bytes', async () => {
    storescp = await startStorescp(dir);
    // one file per SOPInstanceUID (the corpus re-encodes some images under the same UID)
    const seen = new Set<string>();
    const files = pydicomFiles().filter((f) => {
      try {
        const uid = readPart10Layout(readFileSync(f)).SOPInstanceUID;
        if (seen.has(uid) || readFileSync(f).toString('latin1', 128, 132) !== 'DICM') return false;
        seen.add(uid);
        return true;
      } catch {
        return false;
      }
    });
    expect(files.length).toBeGreaterThan(30);
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', files, { maxPduLength: 16384 });
    const stored = new Map(
      readdirSync(dir).map((name) => {
        const bytes = readFileSync(join(dir, name));
        return [readPart10Layout(bytes).SOPInstanceUID, bytes] as const;
      }),
    );
    const failures = outcomes.filter((o) => o.status !== DimseStatus.Success).map((o) => `${files[o.index]}: ${o.error?.message ?? o.status}`);
    expect(failures).toEqual([]);
    for (const outcome of outcomes) {
      const received = stored.get(outcome.SOPInstanceUID!);
      expect(received).toBeDefined();
      // an odd data set (a deflated stream) goes out with one trailing pad byte (PS3.5 A.5)
      const sent = dataSetOf(readFileSync(files[outcome.index]));
      expect(dataSetOf(received!).equals(sent.length % 2 ? Buffer.concat([sent, Buffer.alloc(1)]) : sent)).toBe(true);
      expect(readPart10Layout(received!).transferSyntaxUID).toBe(outcome.transferSyntaxUID);
    }
  });

  it('streams large files from disk and buffers alike, cut to the peer maximum PDU', async () => {
    storescp = await startStorescp(dir, { extraArgs: ['--max-pdu', '4096'] });
    const files = syntheticCtFiles({ count: 3, rows: 512, columns: 512 });
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', files);
    expect(outcomes.map((o) => o.status)).toEqual([0, 0, 0]);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('re-encodes uncompressed files when the peer takes only Implicit VR Little Endian, keeping every value', async () => {
    storescp = await startStorescp(dir, { accept: 'implicit' });
    const names = ['CT_small.dcm', 'MR_small_bigendian.dcm', 'image_dfl.dcm', 'test-SR.dcm'];
    const files = names.map((n) => pydicomFiles().find((f) => f.endsWith(`/${n}`))!);
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', files);
    expect(outcomes.map((o) => [o.status, o.transferSyntaxUID])).toEqual(files.map(() => [DimseStatus.Success, TransferSyntaxUIDs.ImplicitVRLittleEndian]));
    const json = (path: string) => JSON.parse(execFileSync('dcm2json', [path], { maxBuffer: 64 << 20 }).toString('utf8'));
    // what Implicit VR keeps: values of standard elements (Pixel Data's VR reads as OW)
    const view = (j: Record<string, any>): Record<string, any> =>
      Object.fromEntries(
        Object.entries(j)
          .filter(([t]) => parseInt(t.slice(0, 4), 16) % 2 === 0)
          .map(([t, a]) => [t, a.vr === 'SQ' ? { ...a, Value: a.Value?.map(view) } : ['OB', 'OW'].includes(a.vr) ? { InlineBinary: a.InlineBinary } : a]),
      );
    for (const [i, name] of readdirSync(dir).sort().entries()) {
      const stored = join(dir, name);
      const original = files.find((f) => readPart10Layout(readFileSync(f)).SOPInstanceUID === readPart10Layout(readFileSync(stored)).SOPInstanceUID)!;
      expect({ i, json: view(json(stored)) }).toEqual({ i, json: view(json(original)) });
    }
  });

  it('reports, per instance, a syntax the peer did not accept', async () => {
    storescp = await startStorescp(dir, { accept: 'uncompressed' });
    const jpeg = pydicomFiles().find((f) => f.endsWith('/SC_rgb_jpeg_dcmtk.dcm'))!;
    const [plain] = syntheticCtFiles({ count: 1 });
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', [jpeg, plain]);
    expect(outcomes[0].error).toBeInstanceOf(NoAcceptedPresentationContextError);
    expect(outcomes[1].status).toBe(DimseStatus.Success);
  });
});
