import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferSyntaxUIDs } from '@nidus/dicom';
import { pydicomFiles } from '../../testing/src/pydicom-corpus';
import { NoAcceptedPresentationContextError } from './dicom-net.errors';
import { DimseClient } from './dimse-client';
import { DimseStatus } from './dimse-status';
import { readPart10Layout } from './file-meta';
import { storeInstances } from './store-instances';
import { StorescpHandle, startStorescp } from './testing/storescp';
import { syntheticCtSeries } from './testing/synthetic-instances';

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
    const client = await DimseClient.associate({ host: '127.0.0.1', port: storescp.port, calledAETitle: storescp.aeTitle, callingAETitle: 'NIDUS', presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [TransferSyntaxUIDs.ImplicitVRLittleEndian] }] });
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
    const stored = new Map(readdirSync(dir).map((name) => {
      const bytes = readFileSync(join(dir, name));
      return [readPart10Layout(bytes).SOPInstanceUID, bytes] as const;
    }));
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
    const files = syntheticCtSeries({ count: 3, rows: 512, columns: 512 });
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', files);
    expect(outcomes.map((o) => o.status)).toEqual([0, 0, 0]);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('reports, per instance, a syntax the peer did not accept', async () => {
    storescp = await startStorescp(dir, { acceptCompressed: false });
    const jpeg = pydicomFiles().find((f) => f.endsWith('/SC_rgb_jpeg_dcmtk.dcm'))!;
    const [plain] = syntheticCtSeries({ count: 1 });
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', [jpeg, plain]);
    expect(outcomes[0].error).toBeInstanceOf(NoAcceptedPresentationContextError);
    expect(outcomes[1].status).toBe(DimseStatus.Success);
  });
});
