import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import sharp from 'sharp';
import { loadConfig } from '@nidus/config';
import { buildSecondaryCapture, buildSegmentation, code, Codes, generateUid, readPart10, SopClass, writePart10 } from '@nidus/dicom';
import { IngestModule } from '@nidus/ingest';
import { ResultFileStore, ResultInstanceIndex } from '@nidus/persistence';
import { AppContext, closeAppContext, NidusCoreModule, openAppContext } from '@nidus/runtime';
import { syntheticCtElements } from '@nidus/testing';
import { DicomWebModule } from './dicomweb.module';

// Results through Nidus's own DICOMweb (issue 15): a SEG and a Secondary Capture made from a stored CT series are
// indexed as instances of its study and answered by QIDO-RS (with includefield) and WADO-RS (metadata with
// BulkDataURI, bulk data, rendered, thumbnail), in the order and with the headers OHIF 3's DICOMweb data source
// sends them (docs/ohif.md). Real SQLite and files; no security module (route-security.medium.spec covers that).

const ROWS = 32;
const COLUMNS = 40;
const SLICES = 4;

function boundaryOf(contentType: string): string {
  return /boundary=("?)([^";]+)\1/.exec(contentType)![2];
}

/** the body of each part of a multipart/related answer */
function parts(contentType: string, body: Buffer): Buffer[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const out: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(at + delimiter.length, next);
    const start = part.indexOf('\r\n\r\n') + 4;
    out.push(part.subarray(start, part.length - 2));
    at = next;
  }
  return out;
}

describe('results in Nidus DICOMweb', () => {
  let dataDir: string;
  let context: AppContext;
  let app: INestApplication;
  let url: string;
  const StudyInstanceUID = generateUid();
  const SeriesInstanceUID = generateUid();
  let segUid: string;
  let segSeries: string;
  let scUid: string;
  let scSeries: string;
  let sources: Buffer[];
  let mask: Uint8Array;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nidus-results-dicomweb-'));
    const config = loadConfig({ DATA_DIR: dataDir, DICOM_PORT: '0', HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent', DISK_RESERVE_MB: '0' });
    context = await openAppContext(config, { queuePrefix: `test-results-dicomweb-${randomBytes(4).toString('hex')}` });
    @Module({ imports: [NidusCoreModule.forContext(context), IngestModule.register(), DicomWebModule.register()] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false, bodyParser: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    // the source series, by STOW-RS
    const FrameOfReferenceUID = generateUid();
    sources = Array.from({ length: SLICES }, (_, i) =>
      writePart10({ ...syntheticCtElements(i, { rows: ROWS, columns: COLUMNS, StudyInstanceUID, SeriesInstanceUID }), FrameOfReferenceUID }),
    );
    const boundary = 'src-boundary';
    const body = Buffer.concat([
      ...sources.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const stored = await fetch(`${url}/dicomweb/studies`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
      body,
    });
    expect(stored.status).toBe(200);

    // the results of one analysis: a SEG of a box on slices 1 and 2, and a summary Secondary Capture
    const headers = sources.map((b) => readPart10(b, { untilTag: 'x7fe00010' }));
    mask = new Uint8Array(SLICES * ROWS * COLUMNS);
    for (let z = 1; z <= 2; z++) for (let y = 8; y < 20; y++) for (let x = 25; x < 35; x++) mask[(z * ROWS + y) * COLUMNS + x] = 1;
    const options = { softwareVersion: '0.0.0-test', uidSeed: randomUUID(), seriesNumber: 9901, seriesDescription: 'TEST SEG' };
    const seg = buildSegmentation(
      {
        source: headers[0],
        geometry: {
          SeriesInstanceUID,
          Rows: ROWS,
          Columns: COLUMNS,
          ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
          PixelSpacing: [0.5, 0.5],
          SliceThickness: 2.5,
          slices: headers.map((h) => ({
            SOPInstanceUID: h.string('SOPInstanceUID')!,
            SOPClassUID: SopClass.CTImageStorage,
            ImagePositionPatient: h.numbers('ImagePositionPatient') as unknown as [number, number, number],
          })),
        },
        algorithm: { name: 'test', version: '1', family: code('123110', 'DCM', 'Artificial Intelligence') },
        segments: [{ SegmentLabel: 'box', category: Codes.MorphologicallyAlteredStructure, type: Codes.Infarct, displayColorRgb: [255, 0, 0], mask }],
      },
      options,
    );
    const rgb = new Uint8Array(ROWS * COLUMNS * 3);
    for (let i = 0; i < ROWS * COLUMNS; i++) rgb.set(i % COLUMNS < COLUMNS / 2 ? [250, 10, 10] : [10, 10, 250], i * 3);
    const sc = buildSecondaryCapture({ source: headers[0], Rows: ROWS, Columns: COLUMNS, frames: [rgb] }, { ...options, seriesNumber: 9903 });
    const analysisId = randomUUID();
    const files = new ResultFileStore(dataDir);
    const index = new ResultInstanceIndex(context.db, dataDir);
    for (const [kind, o] of [
      ['seg', seg],
      ['sc', sc],
    ] as const) {
      expect(await index.record(StudyInstanceUID, o, files.write(analysisId, kind, o.SOPInstanceUID, o.bytes))).toBe(true);
      expect(await index.record(StudyInstanceUID, o, files.write(analysisId, kind, o.SOPInstanceUID, o.bytes))).toBe(false); // once
    }
    [segUid, segSeries, scUid, scSeries] = [seg.SOPInstanceUID, seg.SeriesInstanceUID, sc.SOPInstanceUID, sc.SeriesInstanceUID];
  });

  afterAll(async () => {
    await app.close();
    await closeAppContext(context);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, accept = 'application/dicom+json') => fetch(url + path, { headers: { Accept: accept } });

  it('finds the study with its results by QIDO-RS, with includefield as OHIF asks it', async () => {
    // OHIF 3 study list: limit, offset, fuzzymatching, includefield of StudyDescription and Modality
    const res = await get('/dicomweb/studies?limit=101&offset=0&fuzzymatching=false&includefield=00081030%2C00080060');
    expect(res.status).toBe(200);
    const [study] = (await res.json()) as any[];
    expect(study['0020000D'].Value).toEqual([StudyInstanceUID]);
    expect(study['00080061'].Value).toEqual(['CT', 'OT', 'SEG']);
    expect(study['00201206'].Value).toEqual([3]);
    expect(study['00201208'].Value).toEqual([SLICES + 2]);

    const all = (await (await get(`/dicomweb/studies?StudyInstanceUID=${StudyInstanceUID}&includefield=all`)).json()) as any[];
    expect(all[0]['00100030']).toBeDefined(); // PatientBirthDate is of the study level
    expect(all[0]['00280010']).toBeUndefined(); // Rows is not

    const series = (await (await get(`/dicomweb/studies/${StudyInstanceUID}/series?includefield=SeriesDate`)).json()) as any[];
    expect(series.map((s) => s['00080060'].Value[0]).sort()).toEqual(['CT', 'OT', 'SEG']);
    expect(series.find((s) => s['0020000E'].Value[0] === segSeries)['00200011'].Value).toEqual([9901]);

    const instances = (await (await get(`/dicomweb/studies/${StudyInstanceUID}/series/${segSeries}/instances?includefield=all`)).json()) as any[];
    expect(instances).toHaveLength(1);
    expect(instances[0]['00080016'].Value).toEqual([SopClass.SegmentationStorage]);
    expect(instances[0]['00620002']).toBeDefined(); // SegmentSequence, from includefield=all
    expect((await get(`/dicomweb/studies?includefield=NoSuchKeyword`)).status).toBe(400);
  });

  it('serves the SEG and the SC by WADO-RS: metadata with BulkDataURI, the bulk data, the instance byte for byte', async () => {
    const meta = (await (await get(`/dicomweb/studies/${StudyInstanceUID}/series/${segSeries}/metadata`)).json()) as any[];
    const uri = meta[0]['7FE00010'].BulkDataURI as string;
    expect(uri).toBe(`${url}/dicomweb/studies/${StudyInstanceUID}/series/${segSeries}/instances/${segUid}/bulkdata/7FE00010`);
    // OHIF's singlepart bulk data (Accept application/octet-stream): the packed bits as stored
    const bare = await fetch(uri, { headers: { Accept: 'application/octet-stream' } });
    expect(bare.headers.get('content-type')).toBe('application/octet-stream');
    const packed = Buffer.from(await bare.arrayBuffer());
    const frameBits = ROWS * COLUMNS;
    expect(packed.length).toBeGreaterThanOrEqual(Math.ceil((2 * frameBits) / 8)); // two frames with the box
    const bit = (frame: number, y: number, x: number) =>
      (packed[(frame * frameBits + y * COLUMNS + x) >> 3] >> ((frame * frameBits + y * COLUMNS + x) & 7)) & 1;
    expect(bit(0, 10, 30)).toBe(1);
    expect(bit(0, 10, 5)).toBe(0);
    const multi = await fetch(uri, { headers: { Accept: 'multipart/related; type=application/octet-stream' } });
    expect(parts(multi.headers.get('content-type')!, Buffer.from(await multi.arrayBuffer()))[0].equals(packed)).toBe(true);

    const instance = await get(`/dicomweb/studies/${StudyInstanceUID}/series/${scSeries}/instances/${scUid}`, 'application/dicom');
    expect(instance.status).toBe(200);
    expect(readPart10(Buffer.from(await instance.arrayBuffer())).string('SOPInstanceUID')).toBe(scUid);
  });

  it('renders frames as PNG and JPEG through the window of the query or of the image, and makes thumbnails', async () => {
    const ct = readPart10(sources[1]).string('SOPInstanceUID')!;
    const base = `/dicomweb/studies/${StudyInstanceUID}/series/${SeriesInstanceUID}/instances/${ct}`;
    const png = await get(`${base}/rendered?window=0,2000`, 'image/png');
    expect(png.headers.get('content-type')).toBe('image/png');
    const image = await sharp(Buffer.from(await png.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([image.info.width, image.info.height]).toEqual([COLUMNS, ROWS]);
    // synthetic values ((i*7 + 13) % 2000) - 1000 through window 0 / 2000: value v shows as (v + 1000) / 2000 * 255
    const stored = (i: number) => ((i * 7 + 13) % 2000) - 1000;
    for (const i of [0, 77, 500, 1000]) expect(Math.abs(image.data[i * image.info.channels] - ((stored(i) + 1000) / 2000) * 255)).toBeLessThanOrEqual(1.5);
    const narrow = await sharp(Buffer.from(await (await get(`${base}/frames/1/rendered?window=0,10`, 'image/png')).arrayBuffer()))
      .raw()
      .toBuffer();
    expect(narrow[0]).toBe(0); // stored(0) = -987 is below a 10-wide window at 0
    const jpeg = await get(`${base}/rendered?quality=70`, 'image/jpeg');
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await jpeg.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect((await get(`${base}/rendered?window=a,b`, 'image/png')).status).toBe(400);
    expect((await get(`${base}/rendered`, 'image/gif')).status).toBe(406);

    // the SC in its colours: red left, blue right
    const sc = await sharp(
      Buffer.from(await (await get(`/dicomweb/studies/${StudyInstanceUID}/series/${scSeries}/instances/${scUid}/rendered`, 'image/png')).arrayBuffer()),
    )
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...sc.data.subarray((y * COLUMNS + x) * sc.info.channels, (y * COLUMNS + x) * sc.info.channels + 3)];
    expect(at(2, 5)).toEqual([250, 10, 10]);
    expect(at(COLUMNS - 2, 5)).toEqual([10, 10, 250]);

    for (const path of [
      `/dicomweb/studies/${StudyInstanceUID}/thumbnail`,
      `/dicomweb/studies/${StudyInstanceUID}/series/${segSeries}/thumbnail`,
      `${base}/thumbnail`,
    ]) {
      const thumb = await get(path, 'image/jpeg');
      expect(thumb.status).toBe(200);
      const info = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect(info.format).toBe('jpeg');
      expect(Math.max(info.width!, info.height!)).toBeLessThanOrEqual(128);
    }
    expect((await get(`/dicomweb/studies/${generateUid()}/thumbnail`, 'image/jpeg')).status).toBe(404);
  });

  it('answers the frames request of OHIF (multipart, unquoted type, transfer-syntax=*)', async () => {
    const ct = readPart10(sources[0]).string('SOPInstanceUID')!;
    const res = await get(
      `/dicomweb/studies/${StudyInstanceUID}/series/${SeriesInstanceUID}/instances/${ct}/frames/1`,
      'multipart/related; type=application/octet-stream; transfer-syntax=*',
    );
    expect(res.status).toBe(200);
    const [frame] = parts(res.headers.get('content-type')!, Buffer.from(await res.arrayBuffer()));
    expect(frame.length).toBe(ROWS * COLUMNS * 2);
    expect(new Int16Array(frame.buffer, frame.byteOffset, ROWS * COLUMNS)[5]).toBe(((5 * 7) % 2000) - 1000);
  });
});
