import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { generateUid, writePart10 } from '@nidus/dicom';
import { InstanceFileStore } from './instance-file-store';
import { instanceRelativePath } from './instance-path';
import { OutOfResourcesError, TempFileStateError } from './storage.errors';
import { TempInstanceFile } from './temp-instance-file';

function finish(temp: TempInstanceFile, ...chunks: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    temp.once('error', reject);
    for (const c of chunks) temp.write(c);
    temp.end(() => resolve());
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** preamble, DICM and a File Meta, as a C-STORE receiver puts in front of a data set */
function part10Header(sourceApplicationEntityTitle: string): Buffer {
  const file = writePart10({ SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: '1.2.3' }, { sourceApplicationEntityTitle });
  return file.subarray(0, 144 + file.readUInt32LE(140));
}

describe(InstanceFileStore.name, () => {
  let dataDir: string;
  let store: InstanceFileStore;
  const key = () => ({ StudyInstanceUID: generateUid(), SeriesInstanceUID: generateUid(), SOPInstanceUID: generateUid() });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nidus-store-'));
    store = new InstanceFileStore({ dataDir, reserveBytes: 0 });
    await store.init();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('receives a small instance in memory, no temp file made, and puts it at instances/<study>/<series>/<sop>.dcm', async () => {
    const k = key();
    const header = Buffer.from('HEADER--');
    const data = [Buffer.alloc(70_000, 1), Buffer.alloc(300_000, 2), Buffer.from('end!')];
    const temp = await store.createTemp({ header });
    await finish(temp, ...data);
    expect(temp.hasFile).toBe(false);
    expect(await store.strayTempFiles()).toEqual([]);
    const stored = await store.commit(temp, k);
    expect(stored).toEqual({ outcome: 'stored', relativePath: instanceRelativePath(k), sizeBytes: 370_012, sha256: sha(Buffer.concat(data)) });
    expect(stored.relativePath).toBe(join('instances', k.StudyInstanceUID, k.SeriesInstanceUID, `${k.SOPInstanceUID}.dcm`));
    expect(readFileSync(join(dataDir, stored.relativePath)).equals(Buffer.concat([header, ...data]))).toBe(true);
    expect(await store.strayTempFiles()).toEqual([]);
    // the head kept in memory is the start of the file
    expect(temp.head().equals(Buffer.concat([header, ...data]).subarray(0, 64 * 1024))).toBe(true);
  });

  it('writes a small instance straight under its final name, and links a large one (over a megabyte) into place', async () => {
    for (const [size, linked] of [
      [200_000, false],
      [3 * 1024 * 1024, true],
    ] as const) {
      for (const directoryFsync of ['auto', 'always'] as const) {
        const s = new InstanceFileStore({ dataDir, reserveBytes: 0, directoryFsync });
        await s.init();
        const k = key();
        const data = Buffer.alloc(size, size % 251);
        const temp = s.createTemp({ header: Buffer.from('HEADER--') });
        await finish(temp, data);
        expect(temp.wholeFile() !== undefined).toBe(!linked);
        // a temp file only for the large one (made at its first megabyte)
        expect(temp.hasFile).toBe(linked);
        const tempInode = linked ? statSync(temp.path).ino : undefined;
        const stored = await s.commit(temp, k);
        const target = join(dataDir, stored.relativePath);
        expect(stored.outcome).toBe('stored');
        expect(statSync(target).ino === tempInode).toBe(linked);
        expect(statSync(target).nlink).toBe(1);
        expect(readFileSync(target).equals(Buffer.concat([Buffer.from('HEADER--'), data]))).toBe(true);
        expect(await s.strayTempFiles()).toEqual([]);
        await s.close();
      }
    }
  });

  it('opens a temp file at the first megabyte received, not before', async () => {
    const temp = store.createTemp({ header: Buffer.from('HEADER--') });
    const write = (b: Buffer) => new Promise<void>((resolve, reject) => temp.write(b, (e) => (e ? reject(e) : resolve())));
    await write(Buffer.alloc(900 * 1024, 3));
    expect(temp.hasFile).toBe(false);
    expect(await store.strayTempFiles()).toEqual([]);
    await write(Buffer.alloc(200 * 1024, 4));
    expect(temp.hasFile).toBe(true);
    expect(await store.strayTempFiles()).toHaveLength(1);
    await finish(temp);
    expect(temp.wholeFile()).toBeUndefined();
    const stored = await store.commit(temp, key());
    expect(
      readFileSync(join(dataDir, stored.relativePath)).equals(
        Buffer.concat([Buffer.from('HEADER--'), Buffer.alloc(900 * 1024, 3), Buffer.alloc(200 * 1024, 4)]),
      ),
    ).toBe(true);
    expect(await store.strayTempFiles()).toEqual([]);
  });

  it('makes the temp file when its path is asked for, holding every byte so far, and keeps writing to it', async () => {
    for (const readAt of ['while receiving', 'once finished'] as const) {
      const header = Buffer.from('HEADER--');
      const data = [Buffer.alloc(5000, 7), Buffer.from('the rest')];
      const temp = store.createTemp({ header });
      if (readAt === 'while receiving') {
        await new Promise<void>((resolve) => temp.write(data[0], () => resolve()));
        expect(readFileSync(temp.path).equals(Buffer.concat([header, data[0]]))).toBe(true);
        await finish(temp, data[1]);
      } else {
        await finish(temp, ...data);
        expect(readFileSync(temp.path).equals(Buffer.concat([header, ...data]))).toBe(true);
      }
      expect(await store.strayTempFiles()).toEqual([basename(temp.path)]);
      await temp.sync();
      expect(readFileSync(temp.path).equals(Buffer.concat([header, ...data]))).toBe(true);
      const stored = await store.commit(temp, key());
      expect(readFileSync(join(dataDir, stored.relativePath)).equals(Buffer.concat([header, ...data]))).toBe(true);
      expect(await store.strayTempFiles()).toEqual([]);
    }
  });

  it('replaces a half-written file that no index row knew (a crash while writing in place) with the copy sent again', async () => {
    const k = key();
    const target = join(dataDir, instanceRelativePath(k));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, 'HEADER--half of it');
    const temp = store.createTemp({ header: Buffer.from('HEADER--') });
    await finish(temp, Buffer.from('the whole data set'));
    const stored = await store.commit(temp, k, { whenDurable: async () => 'first' });
    expect(stored).toMatchObject({ outcome: 'stored', sha256: sha(Buffer.from('the whole data set')) });
    expect(readFileSync(target, 'latin1')).toBe('HEADER--the whole data set');
    expect(await store.strayTempFiles()).toEqual([]);
  });

  it('keeps no second file for the same SOPInstanceUID with the same data set, and keeps the first on a conflict', async () => {
    const conflicts: unknown[] = [];
    store = new InstanceFileStore({ dataDir, reserveBytes: 0, onConflict: (e) => conflicts.push(e) });
    const k = key();
    const first = await store.createTemp({ header: part10Header('A') });
    await finish(first, Buffer.from('same data set'));
    expect((await store.commit(first, k)).outcome).toBe('stored');
    // same data set behind another header (another sender's File Meta): a duplicate
    const again = await store.createTemp({ header: part10Header('ANOTHER_SENDER') });
    await finish(again, Buffer.from('same data set'));
    expect(await store.commit(again, k)).toMatchObject({ outcome: 'duplicate', sha256: sha(Buffer.from('same data set')) });
    const other = await store.createTemp({ header: part10Header('A') });
    await finish(other, Buffer.from('other data set'));
    expect(await store.commit(other, k)).toMatchObject({ outcome: 'conflict', sha256: sha(Buffer.from('same data set')) });
    expect(conflicts).toEqual([
      expect.objectContaining({ key: k, existingSha256: sha(Buffer.from('same data set')), incomingSha256: sha(Buffer.from('other data set')) }),
    ]);
    expect(readFileSync(join(dataDir, instanceRelativePath(k))).equals(Buffer.concat([part10Header('A'), Buffer.from('same data set')]))).toBe(true);
    expect(readdirSync(join(dataDir, 'instances', k.StudyInstanceUID, k.SeriesInstanceUID))).toHaveLength(1);
    expect(await store.strayTempFiles()).toEqual([]);
  });

  it('hashes a whole Part 10 upload from after its File Meta, as it hashes a C-STORE data set', async () => {
    const file = writePart10(
      { SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: generateUid(), PatientName: 'X^Y' },
      { sourceApplicationEntityTitle: 'SENDER' },
    );
    const metaEnd = 144 + file.readUInt32LE(140);
    const temp = await store.createTemp();
    // in pieces smaller than the 144 bytes that locate the meta
    const pieces = [];
    for (let o = 0; o < file.length; o += 50) pieces.push(file.subarray(o, o + 50));
    await finish(temp, ...pieces);
    expect(temp.sha256).toBe(sha(file.subarray(metaEnd)));
    const stored = await store.commit(temp, key());
    expect(readFileSync(join(dataDir, stored.relativePath)).equals(file)).toBe(true);
    expect(await store.dataSetSha256(join(dataDir, stored.relativePath))).toBe(temp.sha256);
  });

  it('refuses to write below the free-space reserve, before creating anything', async () => {
    const free = await store.freeBytes();
    store = new InstanceFileStore({ dataDir, reserveBytes: free + 1024 ** 3 });
    expect(() => store.createTemp()).toThrow(OutOfResourcesError);
    expect(await store.strayTempFiles()).toEqual([]);
    store = new InstanceFileStore({ dataDir, reserveBytes: free - 10 * 1024 ** 2 });
    expect(() => store.createTemp({ expectedBytes: 20 * 1024 ** 2 })).toThrow(OutOfResourcesError);
  });

  it('discards a temp file, refuses to commit an unfinished one, and clears leftovers at init', async () => {
    const temp = await store.createTemp();
    temp.write(Buffer.alloc(1000));
    await expect(store.commit(temp, key())).rejects.toBeInstanceOf(TempFileStateError);
    await temp.discard();
    expect(await store.strayTempFiles()).toEqual([]);
    writeFileSync(join(store.tempDir, 'crashed.part'), 'half');
    expect(await store.strayTempFiles()).toEqual(['crashed.part']);
    await store.init();
    expect(await store.strayTempFiles()).toEqual([]);
  });

  it('keeps hostile UIDs inside the store', async () => {
    const temp = await store.createTemp();
    await finish(temp, Buffer.from('x'));
    const stored = await store.commit(temp, { StudyInstanceUID: '../../etc', SeriesInstanceUID: '..', SOPInstanceUID: 'a/b' });
    expect(stored.relativePath).toBe(join('instances', 'x-2e2e2f2e2e2f657463', 'x-2e2e', 'x-612f62.dcm')); // spelled out, one-to-one
    expect(existsSync(join(dataDir, stored.relativePath))).toBe(true);
    expect(() => store.absolutePath('instances/../../etc/passwd')).toThrow(/not an instance path/);
  });
});
