import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@nidus/config';
import { CharacterSet, EncodedText } from '@nidus/dicom';
import { DimseListener, IngestModule } from '@nidus/ingest';
import { AppContext, closeAppContext, NidusCoreModule, openAppContext } from '@nidus/runtime';
import { createTestDatabase, DATABASE_KINDS, pydicomPersonNameBytes, storescu, syntheticCtSeries } from '@nidus/testing';
import { DicomWebModule } from './dicomweb.module';

// Names in the character sets a PACS sends (PS3.5 6.1, Annex H-J examples among them), encoded by pydicom, stored
// over C-STORE (dcmtk storescu) and STOW-RS, then found by QIDO-RS and /api/studies as typed by a user.

interface NameCase {
  SpecificCharacterSet: string;
  name: string;
  /** PS3.18 F.2.2 groups QIDO-RS must return */
  groups: { Alphabetic?: string; Ideographic?: string; Phonetic?: string };
  /** queries that must find it (and only the studies of this name) */
  queries: string[];
}

const CASES: NameCase[] = [
  {
    SpecificCharacterSet: 'ISO_IR 192',
    name: 'Trần^Văn Đức',
    groups: { Alphabetic: 'Trần^Văn Đức' },
    queries: ['Trần^Văn Đức', 'TRAN^VAN DUC', 'tran^van*', 'Tr?n^V?n ??c', '*Đức'],
  },
  {
    SpecificCharacterSet: 'ISO_IR 192',
    name: 'Nguyễn^Thị Minh Khai',
    groups: { Alphabetic: 'Nguyễn^Thị Minh Khai' },
    queries: ['NGUYEN^THI MINH KHAI', 'nguyễn*', '*minh*'],
  },
  { SpecificCharacterSet: 'ISO_IR 144', name: 'Иванов^Пётр', groups: { Alphabetic: 'Иванов^Пётр' }, queries: ['Иванов^Пётр', 'ИВАНОВ^ПЕТР', 'иван*'] },
  {
    SpecificCharacterSet: 'ISO_IR 100',
    name: 'Müller^Jürgen',
    groups: { Alphabetic: 'Müller^Jürgen' },
    queries: ['Müller^Jürgen', 'MULLER^JURGEN', 'm?ller*'],
  },
  {
    SpecificCharacterSet: '\\ISO 2022 IR 87',
    name: 'Yamada^Tarou=山田^太郎=やまだ^たろう',
    groups: { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' },
    queries: ['YAMADA^TAROU', '山田^太郎', '山田*', 'やまだ^たろう', '=山田^太郎', 'yamada*=山田^太郎=*'],
  },
  {
    SpecificCharacterSet: '\\ISO 2022 IR 149',
    name: 'Hong^Gildong=洪^吉洞=홍^길동',
    groups: { Alphabetic: 'Hong^Gildong', Ideographic: '洪^吉洞', Phonetic: '홍^길동' },
    queries: ['hong^gildong', '洪^吉洞', '홍*', '*=洪^吉洞=홍^길동'],
  },
];

const studyUid = (s: any): string => s['0020000D'].Value[0];

describe.each(DATABASE_KINDS)('PatientName in every character set (%s)', (kind) => {
  let dir: string;
  let drop: () => Promise<void>;
  let context: AppContext;
  let app: INestApplication;
  let url: string;
  let dimsePort: number;
  /** StudyInstanceUIDs of each case: one sent by storescu, one by STOW-RS */
  const studies = new Map<NameCase, string[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-names-'));
    const database = await createTestDatabase(kind, dir);
    drop = database.drop;
    const DATABASE_URL = database.config.type === 'sqlite' ? `sqlite:${database.config.path}` : database.config.url;
    const config = loadConfig({ DATA_DIR: join(dir, 'data'), DATABASE_URL, DICOM_PORT: '0', HTTP_PORT: '0', LOG_LEVEL: 'silent', DISK_RESERVE_MB: '0' });
    context = await openAppContext(config, { queuePrefix: `test-names-${process.pid}-${randomBytes(3).toString('hex')}` });
    @Module({ imports: [NidusCoreModule.forContext(context), IngestModule.register(), DicomWebModule.register({})] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false, bodyParser: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    dimsePort = app.get(DimseListener).server.port;

    const paths: string[] = [];
    const stowed: Buffer[] = [];
    for (const c of CASES) {
      const bytes = pydicomPersonNameBytes(c.name, c.SpecificCharacterSet);
      const PatientName = new EncodedText(bytes, CharacterSet.of(c.SpecificCharacterSet), 'PN');
      const [byDimse, byStow] = [0, 1].map(() =>
        syntheticCtSeries({ rows: 16, columns: 16, slices: 2, PatientName, SpecificCharacterSet: c.SpecificCharacterSet }),
      );
      studies.set(c, [byDimse.StudyInstanceUID, byStow.StudyInstanceUID]);
      byDimse.files.forEach((f, i) => {
        const path = join(dir, `${paths.length}-${i}.dcm`);
        writeFileSync(path, f);
        paths.push(path);
      });
      stowed.push(...byStow.files);
    }
    await storescu({ port: dimsePort, calledAETitle: 'NIDUS', files: paths });
    const boundary = `b-${randomBytes(6).toString('hex')}`;
    const body = Buffer.concat([
      ...stowed.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${url}/dicomweb/studies`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
      body,
    });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
    if (context) await closeAppContext(context);
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [c.name, c.SpecificCharacterSet, c] as const))('%s (%s): QIDO-RS gives the decoded groups', async (_name, _set, c) => {
    for (const uid of studies.get(c)!) {
      const found: any[] = (await (await fetch(`${url}/dicomweb/studies?StudyInstanceUID=${uid}`)).json()) as any[];
      expect(found).toHaveLength(1);
      expect(found[0]['00100010']).toEqual({ vr: 'PN', Value: [c.groups] });
      const api: any = await (await fetch(`${url}/api/studies/${uid}`)).json();
      expect(api.PatientName).toBe(c.name);
    }
  });

  it.each(CASES.map((c) => [c.name, c.SpecificCharacterSet, c] as const))('%s (%s): found by QIDO-RS and /api/studies as typed', async (_name, _set, c) => {
    const expected = [...studies.get(c)!].sort();
    for (const query of c.queries) {
      const q = encodeURIComponent(query);
      const qido: any[] = (await (await fetch(`${url}/dicomweb/studies?PatientName=${q}`)).json()) as any[];
      expect({ query, found: qido.map(studyUid).sort() }).toEqual({ query, found: expected });
      const byTag: any[] = (await (await fetch(`${url}/dicomweb/studies?00100010=${q}`)).json()) as any[];
      expect(byTag.map(studyUid).sort()).toEqual(expected);
      const api: any[] = (await (await fetch(`${url}/api/studies?PatientName=${q}`)).json()) as any[];
      expect({ query, found: api.map((s) => s.StudyInstanceUID).sort(), names: [...new Set(api.map((s) => s.PatientName))] }).toEqual({
        query,
        found: expected,
        names: [c.name],
      });
    }
  });

  it('finds nothing for a name no study has, and every study for *', async () => {
    expect(await (await fetch(`${url}/dicomweb/studies?PatientName=${encodeURIComponent('Trần^Văn')}`)).json()).toEqual([]);
    expect(await (await fetch(`${url}/dicomweb/studies?PatientName=${encodeURIComponent('=山田^次郎')}`)).json()).toEqual([]);
    expect(await (await fetch(`${url}/api/studies?PatientName=nobody*`)).json()).toEqual([]);
    const all: any[] = (await (await fetch(`${url}/dicomweb/studies?PatientName=*`)).json()) as any[];
    expect(all).toHaveLength(CASES.length * 2);
  });
});
