import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DataSource } from 'typeorm';
import { generateUid, TransferSyntaxUIDs, writeDataset, writePart10 } from '@nidus/dicom';
import { DimseClient, DimseServer, DimseStatus, readPart10Layout, storeInstances } from '@nidus/dicom-net';
import { InstanceEntity, InstanceFileStore, openDatabase, SeriesEntity, StudyIndexRepository } from '@nidus/persistence';
import { pydicomFiles, runTool, syntheticCtElements, syntheticCtFiles } from '@nidus/testing';
import { DimseStoreHandler } from './dimse-store.handler';
import { ingestTransferSyntaxes } from './ingest-transfer-syntaxes';
import type { StoredInstance } from '@nidus/series';
import { IngestService } from './ingest.service';

const U = TransferSyntaxUIDs;
const CT = '1.2.840.10008.5.1.4.1.1.2';

function dataSetOf(file: Buffer): Buffer {
  return file.subarray(readPart10Layout(file).dataSetOffset);
}

describe(IngestService.name, () => {
  let dataDir: string;
  let db: DataSource;
  let store: InstanceFileStore;
  let server: DimseServer;
  let port: number;
  let arrivals: StoredInstance[];

  async function start(reserveBytes = 0): Promise<void> {
    store = new InstanceFileStore({ dataDir, reserveBytes });
    await store.init();
    arrivals = [];
    const ingest = new IngestService(
      store,
      new StudyIndexRepository(db),
      { instanceStored: (h) => arrivals.push(h) },
      { transferSyntaxes: ingestTransferSyntaxes() },
    );
    server = new DimseServer({ aeTitle: 'NIDUS', storeHandler: new DimseStoreHandler(ingest), transferSyntaxes: ingest.transferSyntaxes });
    port = await server.listen(0, '127.0.0.1');
  }

  /** sends one bare data set by C-STORE, whatever it holds */
  async function cStore(dataSet: Buffer, SOPInstanceUID: string, SOPClassUID = CT) {
    const client = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'TESTER',
      presentationContexts: [{ abstractSyntax: SOPClassUID, transferSyntaxes: [U.ExplicitVRLittleEndian] }],
    });
    try {
      return await client.store({ SOPClassUID, SOPInstanceUID, transferSyntaxUID: U.ExplicitVRLittleEndian, dataSet });
    } finally {
      await client.release();
    }
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nidus-ingest-'));
    db = await openDatabase({ type: 'sqlite', path: join(dataDir, 'index.sqlite') });
  });

  afterEach(async () => {
    await server?.close();
    await store?.close();
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores what storescu sends byte for byte, indexes study, series and instances, and tells assembly', async () => {
    await start();
    const files = syntheticCtFiles({ count: 12, rows: 64, columns: 64, SeriesDescription: 'CTP head' });
    const paths = files.map((f, i) => {
      const p = join(dataDir, `in-${i}.dcm`);
      writeFileSync(p, f);
      return p;
    });
    const result = await runTool('storescu', ['-aet', 'CT_SCANNER', '-aec', 'NIDUS', '127.0.0.1', String(port), ...paths]);
    expect(result.code).toBe(0);
    const instances = await db.getRepository(InstanceEntity).find();
    expect(instances).toHaveLength(12);
    const [series] = await db.getRepository(SeriesEntity).find();
    expect(series).toMatchObject({ instanceCount: 12, Modality: 'CT', SeriesDescription: 'CTP head', state: 'receiving', callingAETitle: 'CT_SCANNER' });
    for (const [i, file] of files.entries()) {
      const layout = readPart10Layout(file);
      const row = instances.find((r) => r.SOPInstanceUID === layout.SOPInstanceUID)!;
      expect(row).toMatchObject({ TransferSyntaxUID: U.ExplicitVRLittleEndian, SOPClassUID: CT, InstanceNumber: i + 1, callingAETitle: 'CT_SCANNER' });
      expect(row.path).toBe(join('instances', row.StudyInstanceUID, row.SeriesInstanceUID, `${row.SOPInstanceUID}.dcm`));
      const stored = readFileSync(join(dataDir, row.path));
      expect(dataSetOf(stored).equals(dataSetOf(file))).toBe(true);
      expect(row.sizeBytes).toBe(stored.length);
    }
    expect(arrivals.map((a) => a.SeriesInstanceUID)).toEqual(files.map(() => series.SeriesInstanceUID));
    expect(await store.strayTempFiles()).toEqual([]);
  });

  it('answers 0xA900 for missing UIDs and a data set that is not the one announced, 0xC000 for garbage; keeps nothing', async () => {
    await start();
    const StudyInstanceUID = generateUid();
    const noSeries = writeDataset({ SOPClassUID: CT, SOPInstanceUID: '1.2.3.1', StudyInstanceUID, Modality: 'CT' });
    const missing = await cStore(noSeries, '1.2.3.1');
    expect(missing.status).toBe(DimseStatus.DataSetDoesNotMatchSOPClass);
    expect(missing.errorComment).toMatch(/SeriesInstanceUID/);
    const other = writeDataset(syntheticCtElements(0, { rows: 4, columns: 4, StudyInstanceUID, SeriesInstanceUID: generateUid() }));
    const mismatch = await cStore(other, '1.2.3.999');
    expect(mismatch.status).toBe(DimseStatus.DataSetDoesNotMatchSOPClass);
    expect(mismatch.errorComment).toMatch(/SOPInstanceUID/);
    const garbage = await cStore(Buffer.from('this is not a DICOM data set at all, just words.'), '1.2.3.2');
    expect(garbage.status).toBe(DimseStatus.CannotUnderstand);
    expect(await db.getRepository(InstanceEntity).count()).toBe(0);
    expect(await store.strayTempFiles()).toEqual([]);
    expect(readdirSync(store.instancesDir)).toEqual([]);
  });

  it('answers 0xA700 when the disk is below its reserve, before writing', async () => {
    const probe = new InstanceFileStore({ dataDir, reserveBytes: 0 });
    await start((await probe.freeBytes()) + 1024 ** 3);
    const [file] = syntheticCtFiles({ count: 1 });
    const [outcome] = await storeInstances('127.0.0.1', port, 'NIDUS', 'TESTER', [file]);
    expect(outcome.status).toBe(DimseStatus.OutOfResources);
    expect(outcome.errorComment).toMatch(/out of storage/);
    expect(await store.strayTempFiles()).toEqual([]);
  });

  it('keeps one file for a repeated instance, and the first copy when the bytes differ', async () => {
    await start();
    const elements = syntheticCtElements(0, { rows: 8, columns: 8, StudyInstanceUID: generateUid(), SeriesInstanceUID: generateUid() });
    const first = writePart10(elements);
    const changed = writePart10({ ...elements, PatientName: 'Changed^Name' });
    const outcomes = await storeInstances('127.0.0.1', port, 'NIDUS', 'TESTER', [first, first, changed]);
    expect(outcomes.map((o) => o.status)).toEqual([0, 0, 0]);
    const rows = await db.getRepository(InstanceEntity).find();
    expect(rows).toHaveLength(1);
    expect(dataSetOf(readFileSync(join(dataDir, rows[0].path))).equals(dataSetOf(first))).toBe(true);
    expect(arrivals).toHaveLength(1);
    expect((await db.getRepository(SeriesEntity).findOneByOrFail({ SeriesInstanceUID: String(elements.SeriesInstanceUID) })).instanceCount).toBe(1);
  });

  it('keeps file and index row in agreement when one instance arrives twice at once with other bytes', async () => {
    await start();
    const ingest = new IngestService(store, new StudyIndexRepository(db), { instanceStored: () => undefined }, { transferSyntaxes: ingestTransferSyntaxes() });
    const elements = syntheticCtElements(0, { rows: 16, columns: 16, StudyInstanceUID: generateUid(), SeriesInstanceUID: generateUid() });
    const copies = [writePart10(elements), writePart10({ ...elements, PatientName: 'Other^Copy', SeriesDescription: 'a longer description than before' })];
    const written = (bytes: Buffer) =>
      new Promise<ReturnType<InstanceFileStore['createTemp']>>((resolve, reject) => {
        const temp = store.createTemp();
        temp.once('error', reject);
        temp.end(bytes, () => resolve(temp));
      });
    const outcomes = await Promise.all(copies.map(async (c) => ingest.ingest(await written(c), { protocol: 'stow-rs' })));
    expect(outcomes.map((o) => o.ok && o.stored).sort()).toEqual(['conflict', 'stored']);
    const [row] = await db.getRepository(InstanceEntity).find();
    const kept = readFileSync(join(dataDir, row.path));
    expect(row.sizeBytes).toBe(kept.length);
    expect(row.sha256).toBe(await store.dataSetSha256(join(dataDir, row.path)));
  });

  it.each(['another copy', 'a copy cut short'])(
    'replaces a file no index row knew (left by a crash before it was durable and indexed: %s) with the copy it indexes',
    async (left) => {
      await start();
      const elements = syntheticCtElements(0, { rows: 8, columns: 8, StudyInstanceUID: generateUid(), SeriesInstanceUID: generateUid() });
      const orphan = join(dataDir, 'instances', String(elements.StudyInstanceUID), String(elements.SeriesInstanceUID), `${elements.SOPInstanceUID}.dcm`);
      mkdirSync(dirname(orphan), { recursive: true });
      const file = writePart10(elements);
      writeFileSync(orphan, left === 'another copy' ? writePart10({ ...elements, PatientName: 'Half^Written' }) : file.subarray(0, file.length >> 1));
      const [outcome] = await storeInstances('127.0.0.1', port, 'NIDUS', 'TESTER', [file]);
      expect(outcome.status).toBe(0);
      const [row] = await db.getRepository(InstanceEntity).find();
      const kept = readFileSync(join(dataDir, row.path));
      expect(dataSetOf(kept).equals(dataSetOf(file))).toBe(true);
      expect(row.sha256).toBe(await store.dataSetSha256(join(dataDir, row.path)));
      expect(await store.strayTempFiles()).toEqual([]);
    },
  );

  it('stores every pydicom file it can take, refuses the rest with a reason, and keeps serving', async () => {
    await start();
    const files = pydicomFiles();
    const outcomes = await storeInstances('127.0.0.1', port, 'NIDUS', 'TESTER', files);
    const stored = outcomes.filter((o) => o.status === DimseStatus.Success);
    const refused = outcomes.filter((o) => o.status !== undefined && o.status !== DimseStatus.Success);
    const notSent = outcomes.filter((o) => o.status === undefined);
    expect(stored.length).toBeGreaterThan(30);
    // every refusal says why
    for (const o of refused) expect(o.errorComment).toBeTruthy();
    // not sent: files our SCU cannot read a File Meta from, or whose syntax the listener does not accept
    for (const o of notSent) expect(o.error).toBeDefined();
    const rows = await db.getRepository(InstanceEntity).find();
    const uids = new Set(stored.map((o) => o.SOPInstanceUID));
    expect(new Set(rows.map((r) => r.SOPInstanceUID))).toEqual(uids);
    for (const o of stored) {
      const row = rows.find((r) => r.SOPInstanceUID === o.SOPInstanceUID)!;
      const sent = dataSetOf(readFileSync(files[o.index]));
      const kept = dataSetOf(readFileSync(join(dataDir, row.path)));
      // a duplicated SOPInstanceUID in the corpus keeps its first copy
      const firstWithUid = outcomes.find((x) => x.SOPInstanceUID === o.SOPInstanceUID && x.status === 0)!;
      if (firstWithUid.index === o.index) expect(kept.equals(sent.length % 2 ? Buffer.concat([sent, Buffer.alloc(1)]) : sent)).toBe(true);
    }
    const client = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'TESTER',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    });
    expect((await client.echo()).status).toBe(0);
    await client.release();
    expect(await store.strayTempFiles()).toEqual([]);
  });
});
