import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10, SopClass, TransferSyntaxUIDs } from '@nidus/dicom';
import { pydicomFiles, runTool, startStorescp, syntheticCtFiles } from '@nidus/testing';
import { AssociationAbortedError, AssociationRejectedError } from './dicom-net.errors';
import { DimseClient } from './dimse-client';
import { DimseServer, DimseServerOptions } from './dimse-server';
import { DimseStatus } from './dimse-status';
import { DirectoryStoreHandler } from './directory-store-handler';
import { readPart10Layout } from './file-meta';
import { encodeAssociateRq, encodePDataHeader } from './pdu.codec';
import { DICOM_APPLICATION_CONTEXT, RejectReason, RejectResult, RejectSource } from './pdu.types';
import { storeInstances } from './store-instances';

const U = TransferSyntaxUIDs;
const ALL_SYNTAXES = Object.values(U);

/** the data set bytes of a Part 10 file: everything after its File Meta */
function dataSetOf(file: Buffer): Buffer {
  return file.subarray(readPart10Layout(file).dataSetOffset);
}

function storedFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.dcm'));
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => !f.endsWith('.dcm'));
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(DimseServer.name, () => {
  let dir: string;
  let server: DimseServer;
  let port: number;

  async function start(options: Partial<DimseServerOptions> = {}): Promise<void> {
    server = new DimseServer({ aeTitle: 'NIDUS', storeHandler: new DirectoryStoreHandler(dir), transferSyntaxes: ALL_SYNTAXES, ...options });
    port = await server.listen(0, '127.0.0.1');
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-scp-'));
  });

  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers C-ECHO from our SCU and from dcmtk echoscu', async () => {
    await start();
    const client = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'TEST',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    });
    expect((await client.echo()).status).toBe(DimseStatus.Success);
    await client.release();
    const echo = await runTool('echoscu', ['-aet', 'PACS', '-aec', 'NIDUS', '127.0.0.1', String(port)]);
    expect(echo.code).toBe(0);
    await until(async () => (await server.connectionCount()) === 0);
  });

  it('stores what our SCU sends byte for byte, in the syntax it was proposed in', async () => {
    await start();
    const syntaxes = [U.ExplicitVRLittleEndian, U.ImplicitVRLittleEndian, U.ExplicitVRBigEndian, U.DeflatedExplicitVRLittleEndian];
    const files = syntaxes.flatMap((ts) => syntheticCtFiles({ count: 2, rows: 200, columns: 190, transferSyntaxUID: ts }));
    const outcomes = await storeInstances('127.0.0.1', port, 'NIDUS', 'TEST', files, { maxPduLength: 16384 });
    expect(outcomes.map((o) => o.status)).toEqual(files.map(() => DimseStatus.Success));
    for (const [i, file] of files.entries()) {
      const stored = readFileSync(join(dir, `${outcomes[i].SOPInstanceUID}.dcm`));
      // an odd data set (deflated) travels with one trailing pad byte (PS3.5 A.5)
      const sent = dataSetOf(file);
      expect(dataSetOf(stored).equals(sent.length % 2 ? Buffer.concat([sent, Buffer.alloc(1)]) : sent)).toBe(true);
      expect(readPart10(stored).transferSyntaxUID).toBe(readPart10(file).transferSyntaxUID);
    }
    expect(leftovers(dir)).toEqual([]);
  });

  it.each([
    ['-xi', 'implicit only', U.ImplicitVRLittleEndian],
    ['-xe', 'explicit little endian first', U.ExplicitVRLittleEndian],
    ['-xb', 'explicit big endian first', U.ExplicitVRBigEndian],
    ['-xd', 'deflated first', U.DeflatedExplicitVRLittleEndian],
  ])('accepts storescu %s +C (%s) in the first proposed syntax and stores what it sent', async (flag, _what, expected) => {
    await start();
    const files = syntheticCtFiles({ count: 3, rows: 128, columns: 128 });
    const paths = files.map((f, i) => {
      const p = join(tmpdir(), `nidus-${process.pid}-${i}${flag}.dcm`);
      writeFileSync(p, f);
      return p;
    });
    // +C: one presentation context listing every syntax, so the choice is ours (the first proposed we support)
    const result = await runTool('storescu', [flag, '+C', '-aet', 'PACS', '-aec', 'NIDUS', '127.0.0.1', String(port), ...paths]);
    paths.forEach((p) => rmSync(p));
    expect(result.code).toBe(0);
    const stored = storedFiles(dir);
    expect(stored).toHaveLength(3);
    for (const name of stored) {
      const file = readPart10(readFileSync(join(dir, name)));
      expect(file.transferSyntaxUID).toBe(expected);
      const source = files.map((f) => readPart10(f)).find((s) => s.string('SOPInstanceUID') === file.string('SOPInstanceUID'))!;
      // storescu converts the uncompressed syntax on the fly; the pixels must survive it
      const pixels = Buffer.from(file.bytes('PixelData')!);
      if (expected === U.ExplicitVRBigEndian) pixels.swap16();
      expect(pixels.equals(Buffer.from(source.bytes('PixelData')!))).toBe(true);
      expect(file.string('SeriesInstanceUID')).toBe(source.string('SeriesInstanceUID'));
    }
  });

  it.each([
    ['--propose-jpeg8', 'SC_rgb_jpeg_dcmtk.dcm'],
    ['--propose-jpeg12', 'JPGExtended.dcm'],
    ['--propose-lossless', 'SC_rgb_jpeg_gdcm.dcm'],
    ['--propose-rle', 'MR_small_RLE.dcm'],
    ['--propose-jls-lossless', 'MR_small_jpeg_ls_lossless.dcm'],
    ['--propose-j2k-lossless', 'MR_small_jp2klossless.dcm'],
    ['--propose-j2k-lossy', 'JPEG2000.dcm'],
  ])('accepts storescu %s with a compressed file and stores the bytes sent, as bit-preserving storescp does (%s)', async (flag, name) => {
    await start();
    const path = pydicomFiles().find((f) => f.endsWith(`/${name}`))!;
    const result = await runTool('storescu', [flag, '-aet', 'PACS', '-aec', 'NIDUS', '127.0.0.1', String(port), path]);
    expect(result.code).toBe(0);
    // the reference: the same storescu run against dcmtk's storescp +B, which writes what it received
    const referenceDir = mkdtempSync(join(tmpdir(), 'nidus-ref-'));
    const storescp = await startStorescp(referenceDir);
    try {
      const reference = await runTool('storescu', [flag, '-aet', 'PACS', '-aec', storescp.aeTitle, '127.0.0.1', String(storescp.port), path]);
      expect(reference.code).toBe(0);
    } finally {
      await storescp.stop();
    }
    const [ours] = storedFiles(dir);
    const [theirs] = readdirSync(referenceDir);
    const stored = readFileSync(join(dir, ours));
    const expected = readFileSync(join(referenceDir, theirs));
    rmSync(referenceDir, { recursive: true });
    expect(readPart10(stored).transferSyntaxUID).toBe(readPart10Layout(readFileSync(path)).transferSyntaxUID);
    expect(dataSetOf(stored).length).toBeGreaterThan(1000);
    expect(dataSetOf(stored).equals(dataSetOf(expected))).toBe(true);
  });

  it('rejects a wrong called AE title and a calling AE title not on the list (PS3.8 9.3.4)', async () => {
    await start({ allowedCallingAETitles: ['PACS'] });
    const rejections: unknown[] = [];
    server.on('rejected', (_info, rj) => rejections.push(rj));
    const wrongCalled = await runTool('echoscu', ['-aet', 'PACS', '-aec', 'SOMEONE', '127.0.0.1', String(port)]);
    expect(wrongCalled.code).not.toBe(0);
    expect(wrongCalled.stderr + wrongCalled.stdout).toMatch(/Called AE Title Not Recognized/i);
    const error = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'STRANGER',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(AssociationRejectedError);
    expect(error).toMatchObject({ result: RejectResult.Permanent, source: RejectSource.ServiceUser, reason: RejectReason.User.CallingAETitleNotRecognized });
    expect(rejections).toEqual([
      { result: 1, source: 1, reason: 7 },
      { result: 1, source: 1, reason: 3 },
    ]);
    const allowed = await runTool('echoscu', ['-aet', 'PACS', '-aec', 'NIDUS', '127.0.0.1', String(port)]);
    expect(allowed.code).toBe(0);
  });

  it('rejects a host not on the list, and associations over the limit as transient', async () => {
    await start({ allowedHosts: ['10.9.8.7'] });
    const offList = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'A',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    }).catch((e) => e);
    expect(offList).toMatchObject({ result: 1, source: 1 });
    await server.close();
    await start({ maxAssociations: 1 });
    const first = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'A',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    });
    const second = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'B',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    }).catch((e) => e);
    expect(second).toMatchObject({
      result: RejectResult.Transient,
      source: RejectSource.ServiceProviderPresentation,
      reason: RejectReason.Presentation.LocalLimitExceeded,
    });
    await first.release();
    await until(() => server.activeAssociations === 0);
    const third = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'C',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    });
    expect((await third.echo()).status).toBe(0);
    await third.release();
  });

  it('refuses SOP classes that are not storage, and syntaxes not on the list, per presentation context', async () => {
    await start({ transferSyntaxes: [U.ExplicitVRLittleEndian, U.ImplicitVRLittleEndian] });
    const client = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'A',
      presentationContexts: [
        { abstractSyntax: '1.2.840.10008.5.1.4.1.2.2.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }, // Study Root FIND
        { abstractSyntax: SopClass.CTImageStorage, transferSyntaxes: [U.JPEG2000Lossless] },
        { abstractSyntax: SopClass.CTImageStorage, transferSyntaxes: [U.JPEG2000Lossless, U.ExplicitVRLittleEndian, U.ImplicitVRLittleEndian] },
      ],
    });
    expect(client.accepted).toEqual([{ id: 5, abstractSyntax: SopClass.CTImageStorage, transferSyntax: U.ExplicitVRLittleEndian }]);
    await client.release();
  });

  it('leaves no temp file and no socket when the sender is killed mid-transfer', async () => {
    await start();
    const [big] = syntheticCtFiles({ count: 1, rows: 4096, columns: 4096 }); // 32 MB
    const path = join(tmpdir(), `nidus-big-${process.pid}.dcm`);
    writeFileSync(path, big);
    try {
      const closed = new Promise<string>((resolve) => server.once('closed', (_info, reason) => resolve(reason)));
      const run = runTool('storescu', ['--max-send-pdu', '4096', '-aet', 'PACS', '-aec', 'NIDUS', '127.0.0.1', String(port), path], {
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (readdirSync(dir).some((f) => f.endsWith('.part'))) {
              clearInterval(timer);
              child.kill('SIGKILL');
            }
          }, 5);
        },
      });
      const result = await run;
      expect(result.signal).toBe('SIGKILL');
      expect(await closed).toBe('dropped');
      await until(async () => (await server.connectionCount()) === 0 && readdirSync(dir).length === 0);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('discards the partial data set on A-ABORT, and the listener keeps serving', async () => {
    await start();
    const client = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'A',
      presentationContexts: [{ abstractSyntax: SopClass.CTImageStorage, transferSyntaxes: [U.ExplicitVRLittleEndian] }],
    });
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    async function* slowDataSet() {
      yield Buffer.alloc(300_000, 1);
      await hold;
      yield Buffer.alloc(10, 2);
    }
    const storing = client
      .store({ SOPClassUID: SopClass.CTImageStorage, SOPInstanceUID: '1.2.3.4', transferSyntaxUID: U.ExplicitVRLittleEndian, dataSet: slowDataSet() })
      .catch((e) => e);
    await until(() => readdirSync(dir).some((f) => f.endsWith('.part')));
    const closed = new Promise<string>((resolve) => server.once('closed', (_info, reason) => resolve(reason)));
    client.abort();
    release();
    expect(await closed).toBe('aborted');
    expect(await storing).toBeInstanceOf(AssociationAbortedError);
    await until(() => readdirSync(dir).length === 0);
    const [file] = syntheticCtFiles({ count: 1 });
    const [outcome] = await storeInstances('127.0.0.1', port, 'NIDUS', 'A', [file]);
    expect(outcome.status).toBe(0);
    expect(server.getStats()).toMatchObject({ associationsAborted: 1, instancesStored: 1 });
  });

  it('aborts on an oversized PDU and on garbage, and times out silent connections (ARTIM, idle)', async () => {
    await start({ maxPduLength: 8192, artimTimeoutMs: 200, idleTimeoutMs: 300 });
    // garbage instead of A-ASSOCIATE-RQ
    const garbage = connect(port, '127.0.0.1');
    const garbageClosed = new Promise((r) => garbage.on('close', r));
    garbage.on('error', () => undefined);
    garbage.resume();
    garbage.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await garbageClosed;
    // silent connection: ARTIM closes it
    const silent = connect(port, '127.0.0.1');
    silent.on('error', () => undefined);
    silent.resume();
    const t0 = Date.now();
    await new Promise((r) => silent.on('close', r));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    // P-DATA over our 8192-byte maximum: A-ABORT
    const raw = connect(port, '127.0.0.1');
    raw.on('error', () => undefined);
    const received: Buffer[] = [];
    raw.on('data', (d) => received.push(d));
    raw.write(
      encodeAssociateRq({
        protocolVersion: 1,
        calledAETitle: 'NIDUS',
        callingAETitle: 'RAW',
        applicationContext: DICOM_APPLICATION_CONTEXT,
        presentationContexts: [{ id: 1, abstractSyntax: SopClass.CTImageStorage, transferSyntaxes: [U.ExplicitVRLittleEndian] }],
        userInformation: { maxPduLength: 16384 },
      }),
    );
    await until(() => received.length > 0);
    expect(received[0][0]).toBe(0x02); // A-ASSOCIATE-AC
    raw.write(Buffer.concat([encodePDataHeader(1, false, true, 20000), Buffer.alloc(20000)]));
    await new Promise((r) => raw.on('close', r));
    expect(Buffer.concat(received).includes(Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x06]))).toBe(true);
    // idle association: aborted after idleTimeoutMs
    const idle = await DimseClient.associate({
      host: '127.0.0.1',
      port,
      calledAETitle: 'NIDUS',
      callingAETitle: 'IDLE',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }],
    });
    await until(() => !idle.isOpen, 3000);
    await until(async () => (await server.connectionCount()) === 0);
    expect(leftovers(dir)).toEqual([]);
  });

  it('takes four storescu senders at once and loses nothing', async () => {
    await start();
    const senders = [0, 1, 2, 3].map((s) => {
      const files = syntheticCtFiles({ count: 15, rows: 128, columns: 128 });
      return files.map((f, i) => {
        const p = join(tmpdir(), `nidus-four-${process.pid}-${s}-${i}.dcm`);
        writeFileSync(p, f);
        return p;
      });
    });
    try {
      const results = await Promise.all(
        senders.map((paths, s) => runTool('storescu', ['-aet', `SENDER${s}`, '-aec', 'NIDUS', '127.0.0.1', String(port), ...paths])),
      );
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      expect(storedFiles(dir)).toHaveLength(60);
      expect(leftovers(dir)).toEqual([]);
      for (const paths of senders) {
        for (const p of paths) {
          const source = readFileSync(p);
          const uid = readPart10Layout(source).SOPInstanceUID;
          expect(dataSetOf(readFileSync(join(dir, `${uid}.dcm`))).equals(dataSetOf(source))).toBe(true);
        }
      }
    } finally {
      senders.flat().forEach((p) => rmSync(p, { force: true }));
    }
  });
});
