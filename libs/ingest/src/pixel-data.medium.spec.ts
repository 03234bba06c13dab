import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DataSource } from 'typeorm';
import { generateUid, TransferSyntaxUIDs, writePart10 } from '@nidus/dicom';
import { DimseClient, DimseServer, DimseStatus, readPart10Layout } from '@nidus/dicom-net';
import { instanceRelativePath, InstanceFileStore, openDatabase, SeriesEntity, StudyIndexRepository } from '@nidus/persistence';
import { runTool, syntheticCtElements } from '@nidus/testing';
import { DimseStoreHandler } from './dimse-store.handler';
import { ingestTransferSyntaxes } from './ingest-transfer-syntaxes';
import { IngestService } from './ingest.service';

// Issue 12, "incomplete data refused": an image whose Pixel Data did not all arrive, or holds less than Rows x
// Columns x frames x samples x bits, is refused with a status and never stored; the intact one is stored.
// Real listener on a real socket; dcmtk's storescu where it can send the file (it will not read a cut-off file, so
// those go by our own SCU, which sends bytes as they are).

const U = TransferSyntaxUIDs;
const CT = '1.2.840.10008.5.1.4.1.1.2';
const PIXEL_DATA_OW = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0x00, 0x00]);

/** A CT data set (no File Meta) of rows x columns 16-bit pixels, and where its Pixel Data value starts. */
function ctDataSet(rows: number, columns: number, StudyInstanceUID = generateUid()) {
  const elements = syntheticCtElements(0, { rows, columns, StudyInstanceUID, SeriesInstanceUID: generateUid() });
  const file = writePart10(elements, { transferSyntaxUID: U.ExplicitVRLittleEndian });
  const dataSet = file.subarray(readPart10Layout(file).dataSetOffset);
  const at = dataSet.lastIndexOf(PIXEL_DATA_OW);
  return { elements, file, dataSet, valueOffset: at + 12, SOPInstanceUID: elements.SOPInstanceUID as string, StudyInstanceUID };
}

describe('Pixel Data that did not all arrive', () => {
  let dataDir: string;
  let db: DataSource;
  let store: InstanceFileStore;
  let server: DimseServer;
  let port: number;
  let index: StudyIndexRepository;
  const arrivals: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nidus-pixel-data-'));
    db = await openDatabase({ type: 'sqlite', path: join(dataDir, 'index.sqlite') });
    store = new InstanceFileStore({ dataDir, reserveBytes: 0 });
    await store.init();
    index = new StudyIndexRepository(db);
    const ingest = new IngestService(
      store,
      index,
      { instanceStored: (h) => void arrivals.push(h.SeriesInstanceUID) },
      { transferSyntaxes: ingestTransferSyntaxes() },
    );
    server = new DimseServer({ aeTitle: 'NIDUS', storeHandler: new DimseStoreHandler(ingest), transferSyntaxes: ingest.transferSyntaxes });
    port = await server.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
    await db?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function cStore(dataSet: Buffer, SOPInstanceUID: string) {
    const client = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'TESTER',
      presentationContexts: [{ abstractSyntax: CT, transferSyntaxes: [U.ExplicitVRLittleEndian] }],
    });
    try {
      return await client.store({ SOPClassUID: CT, SOPInstanceUID, transferSyntaxUID: U.ExplicitVRLittleEndian, dataSet });
    } finally {
      await client.release();
    }
  }

  async function storedNothingOf(StudyInstanceUID: string) {
    expect(await index.studyInstances(StudyInstanceUID)).toEqual([]);
    const studies = existsSync(join(dataDir, 'instances')) ? readdirSync(join(dataDir, 'instances')) : [];
    expect(studies).not.toContain(StudyInstanceUID);
  }

  it.each([
    [64, 64],
    [128, 96],
  ])('refuses %ix%i with its Pixel Data cut to half its declared length: 0xC000, nothing stored', async (rows, columns) => {
    const { dataSet, valueOffset, SOPInstanceUID, StudyInstanceUID } = ctDataSet(rows, columns);
    const declared = dataSet.readUInt32LE(valueOffset - 4);
    expect(declared).toBe(rows * columns * 2);
    const response = await cStore(dataSet.subarray(0, valueOffset + declared / 2), SOPInstanceUID);
    expect(response.status).toBe(DimseStatus.CannotUnderstand);
    expect(response.errorComment).toMatch(new RegExp(`Pixel Data declares ${declared} bytes but ${declared / 2} arrived`));
    await storedNothingOf(StudyInstanceUID);
  });

  it('refuses Pixel Data that claims 0xFFFFFFF0 bytes with 128 KiB sent: 0xC000 at once, nothing stored', async () => {
    const { dataSet, valueOffset, SOPInstanceUID, StudyInstanceUID } = ctDataSet(256, 256);
    const claimed = Buffer.from(dataSet);
    claimed.writeUInt32LE(0xfffffff0, valueOffset - 4);
    expect(claimed.length - valueOffset).toBe(128 * 1024);
    const started = Date.now();
    const response = await cStore(claimed, SOPInstanceUID);
    expect(response.status).toBe(DimseStatus.CannotUnderstand);
    expect(response.errorComment).toMatch(/Pixel Data declares 4294967280 bytes but 131072 arrived/);
    expect(Date.now() - started).toBeLessThan(5000);
    await storedNothingOf(StudyInstanceUID);
  });

  it('refuses, from storescu, Pixel Data shorter than Rows x Columns x BitsAllocated/8 (0xA900), and stores the intact image', async () => {
    const short = ctDataSet(64, 64);
    const elements = { ...short.elements, PixelData: (short.elements.PixelData as Int16Array).subarray(0, 64 * 32) };
    const shortPath = join(dataDir, 'short.dcm');
    writeFileSync(shortPath, writePart10(elements, { transferSyntaxUID: U.ExplicitVRLittleEndian }));
    const intact = ctDataSet(64, 64);
    const intactPath = join(dataDir, 'intact.dcm');
    writeFileSync(intactPath, intact.file);
    const run = await runTool('storescu', ['-v', '--no-halt', '-aec', 'NIDUS', '127.0.0.1', String(port), shortPath, intactPath]);
    const log = `${run.stdout}${run.stderr}`;
    expect(log).toMatch(/Received Store Response \(Error: DataSetDoesNotMatchSOPClass\)/);
    expect(log).toMatch(/Received Store Response \(Success\)/);
    await storedNothingOf(short.StudyInstanceUID);
    expect((await index.studyInstances(intact.StudyInstanceUID)).map((i) => i.SOPInstanceUID)).toEqual([intact.SOPInstanceUID]);
  });

  it('replaces a stored copy that is unreadable with the intact one sent again, and records it; a readable one stays', async () => {
    // a cut-off copy stored before refusals existed (written here as an older Nidus would have)
    const intact = ctDataSet(64, 64);
    const key = {
      StudyInstanceUID: intact.StudyInstanceUID,
      SeriesInstanceUID: intact.elements.SeriesInstanceUID as string,
      SOPInstanceUID: intact.SOPInstanceUID,
    };
    const relativePath = instanceRelativePath(key);
    const cut = intact.file.subarray(0, intact.file.length - 2048);
    mkdirSync(dirname(join(dataDir, relativePath)), { recursive: true });
    writeFileSync(join(dataDir, relativePath), cut);
    await index.recordInstance({
      instance: {
        ...key,
        SOPClassUID: CT,
        TransferSyntaxUID: U.ExplicitVRLittleEndian,
        InstanceNumber: 1,
        path: relativePath,
        sizeBytes: cut.length,
        sha256: 'cut',
        callingAETitle: null,
      },
      study: {},
      series: { Modality: 'CT' },
    });
    await db.getRepository(SeriesEntity).update({ SeriesInstanceUID: key.SeriesInstanceUID }, { state: 'complete' });

    const path = join(dataDir, 'resent.dcm');
    writeFileSync(path, intact.file);
    const run = await runTool('storescu', ['-v', '-aec', 'NIDUS', '127.0.0.1', String(port), path]);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Received Store Response \(Success\)/);
    const onDisk = readFileSync(join(dataDir, relativePath));
    expect(onDisk.subarray(onDisk.length - intact.dataSet.length).equals(intact.dataSet)).toBe(true);
    const [row] = await index.studyInstances(intact.StudyInstanceUID);
    expect(row).toMatchObject({ replacements: 1, sizeBytes: onDisk.length, replacedAt: expect.any(Date) });
    expect(row.sha256).not.toBe('cut');
    expect(await index.findSeries(key.SeriesInstanceUID)).toMatchObject({ revision: 1, state: 'receiving' });
    expect(arrivals).toContain(key.SeriesInstanceUID); // its series is checked again

    // sent again with other bytes while the stored copy is readable: the first copy is kept
    const other = writePart10({ ...intact.elements, PixelData: new Int16Array(64 * 64).fill(7) }, { transferSyntaxUID: U.ExplicitVRLittleEndian });
    writeFileSync(path, other);
    const again = await runTool('storescu', ['-v', '-aec', 'NIDUS', '127.0.0.1', String(port), path]);
    expect(`${again.stdout}${again.stderr}`).toMatch(/Received Store Response \(Success\)/);
    expect(readFileSync(join(dataDir, relativePath)).equals(onDisk)).toBe(true);
    expect((await index.studyInstances(intact.StudyInstanceUID))[0].replacements).toBe(1);
  });
});
