import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { buildMeasurementReport, buildSecondaryCapture, buildSegmentation, code, Codes } from '@nidus/dicom';
import { boxMask, syntheticCtSeries, freePort, OrthancHandle, startOrthanc } from '@nidus/testing';
import { nextRetry } from '../retry-policy';
import { DeliveryFailedError, DeliveryRejectedError } from './delivery.errors';
import type { DeliveryObject } from './delivery-target';
import { parseStowResponse, StowRsTarget } from './stow-rs.target';

const options = { softwareVersion: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234' };

/** A SEG, an SR and a summary SC for one synthetic CT series: what Nidus sends back. */
function resultObjects(): { objects: DeliveryObject[]; StudyInstanceUID: string } {
  const source = syntheticCtSeries({ rows: 8, columns: 8, slices: 2 });
  const seg = buildSegmentation(
    {
      source: source.datasets[0],
      geometry: source.geometry,
      algorithm: { name: 'Nidus CTP', version: '0.1.0-test', family: code('123110', 'DCM', 'Artificial Intelligence') },
      segments: [
        {
          SegmentLabel: 'Ischemic core',
          category: Codes.MorphologicallyAlteredStructure,
          type: Codes.Infarct,
          displayColorRgb: [255, 0, 255],
          mask: boxMask(2, 8, 8, { z: [0, 1], y: [2, 5], x: [2, 5] }),
        },
      ],
    },
    options,
  );
  const sr = buildMeasurementReport(
    {
      source: source.datasets[0],
      algorithm: { name: 'Nidus CTP', version: '0.1.0-test' },
      observer: { uid: '1.2.826.0.1.3680043.10.1234.1', name: 'test' },
      imageLibrary: source.geometry.slices.map((s) => ({ ...s, SeriesInstanceUID: source.SeriesInstanceUID })),
      segmentation: seg,
      sourceSeriesInstanceUID: source.SeriesInstanceUID,
      volumetricGroups: [
        { trackingIdentifier: 'core', segmentNumber: 1, finding: Codes.Infarct, measurements: [{ concept: Codes.Volume, value: 1.5, unit: Codes.Milliliter }] },
      ],
    },
    options,
  );
  const sc = buildSecondaryCapture({ source: source.datasets[0], Rows: 4, Columns: 6, frames: [new Uint8Array(4 * 6 * 3).fill(90)] }, options);
  return { objects: [seg, sr, sc].map((o) => ({ SOPInstanceUID: o.SOPInstanceUID, bytes: o.bytes })), StudyInstanceUID: source.StudyInstanceUID };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function orthancStudy(orthanc: OrthancHandle, StudyInstanceUID: string) {
  const found = await orthanc.restJson<{ ID: string; Type: string }[]>('/tools/lookup', { method: 'POST', body: StudyInstanceUID });
  const study = found.find((f) => f.Type === 'Study');
  if (!study) return null;
  const series = await orthanc.restJson<{ MainDicomTags: { SeriesDescription?: string; Modality: string }; Instances: string[] }[]>(
    `/studies/${study.ID}/series`,
  );
  return series;
}

describe(StowRsTarget.name, () => {
  let orthanc: OrthancHandle;
  beforeAll(async () => {
    orthanc = await startOrthanc({ aet: 'PACS' });
  });
  afterAll(() => orthanc?.stop());

  it('stores SEG, SR and SC in the PACS study, each in its own series, byte for byte', async () => {
    const { objects, StudyInstanceUID } = resultObjects();
    const target = new StowRsTarget({ id: 'pacs', baseUrl: orthanc.dicomWebUrl + '/' });
    const outcomes = await target.deliver(objects);
    expect(outcomes.map((o) => [o.SOPInstanceUID, o.outcome])).toEqual(objects.map((o) => [o.SOPInstanceUID, 'delivered']));
    expect(outcomes[0].detail).toBe('HTTP 200 OK');

    const series = await orthancStudy(orthanc, StudyInstanceUID);
    expect(series!.map((s) => [s.MainDicomTags.Modality, s.MainDicomTags.SeriesDescription]).sort()).toEqual([
      ['OT', 'NIDUS CTP SUMMARY'],
      ['SEG', 'NIDUS CTP SEG'],
      ['SR', 'NIDUS CTP REPORT'],
    ]);
    for (const o of objects) {
      const [instance] = await orthanc.restJson<{ ID: string }[]>('/tools/lookup', { method: 'POST', body: o.SOPInstanceUID });
      const stored = Buffer.from(await (await orthanc.rest(`/instances/${instance.ID}/file`)).arrayBuffer());
      expect(sha(stored)).toBe(sha(o.bytes));
    }

    // sending again (a retried job) changes nothing in the PACS
    expect((await target.deliver(objects)).map((o) => o.outcome)).toEqual(['delivered', 'delivered', 'delivered']);
    expect((await orthancStudy(orthanc, StudyInstanceUID))!.flatMap((s) => s.Instances)).toHaveLength(3);
  });

  it('sends several requests when the objects exceed maxRequestBytes', async () => {
    const { objects, StudyInstanceUID } = resultObjects();
    const target = new StowRsTarget({ id: 'pacs', baseUrl: orthanc.dicomWebUrl, maxRequestBytes: 1 });
    expect((await target.deliver(objects)).map((o) => o.outcome)).toEqual(['delivered', 'delivered', 'delivered']);
    expect((await orthancStudy(orthanc, StudyInstanceUID))!.flatMap((s) => s.Instances)).toHaveLength(3);
  });

  it('calls a 404 (wrong path) a permanent refusal that is not retried', async () => {
    const { objects, StudyInstanceUID } = resultObjects();
    const target = new StowRsTarget({ id: 'pacs', baseUrl: orthanc.httpUrl + '/not-dicom-web' });
    const outcomes = await target.deliver(objects);
    expect(outcomes.map((o) => o.outcome)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outcomes[0].error).toBeInstanceOf(DeliveryRejectedError);
    expect(outcomes[0].error!.status).toBe(404);
    expect(nextRetry(1, outcomes[0].error)).toEqual({ retry: false, reason: 'rejected' });
    expect(await orthancStudy(orthanc, StudyInstanceUID)).toBeNull();
  });

  it('keeps per-object outcomes when the PACS takes some objects and refuses the request (400)', async () => {
    const { objects } = resultObjects();
    const broken = { SOPInstanceUID: '1.2.3.4.5', bytes: Buffer.from('this is not DICOM') };
    const outcomes = await new StowRsTarget({ id: 'pacs', baseUrl: orthanc.dicomWebUrl }).deliver([objects[0], broken]);
    expect(outcomes.map((o) => [o.SOPInstanceUID, o.outcome])).toEqual([
      [objects[0].SOPInstanceUID, 'delivered'],
      ['1.2.3.4.5', 'rejected'],
    ]);
    expect(outcomes[1].error!.status).toBe(400);
  });

  it('calls an unreachable PACS a failure worth retrying', async () => {
    const { objects } = resultObjects();
    const port = await freePort();
    const outcomes = await new StowRsTarget({ id: 'pacs', baseUrl: `http://127.0.0.1:${port}/dicom-web` }).deliver(objects.slice(0, 1));
    expect(outcomes[0].outcome).toBe('retry');
    expect(outcomes[0].error).toBeInstanceOf(DeliveryFailedError);
    expect(outcomes[0].detail).toMatch(/ECONNREFUSED/);
    expect(nextRetry(1, outcomes[0].error).retry).toBe(true);
  });

  it('sends the Authorization header (Orthanc with authentication on)', async () => {
    const secured = await startOrthanc({ auth: { username: 'nidus', password: 's3cret' } });
    try {
      const { objects } = resultObjects();
      const without = await new StowRsTarget({ id: 'pacs', baseUrl: secured.dicomWebUrl }).deliver(objects.slice(0, 1));
      expect([without[0].outcome, without[0].error?.status]).toEqual(['rejected', 401]);
      const basic = 'Basic ' + Buffer.from('nidus:s3cret').toString('base64');
      const withAuth = await new StowRsTarget({ id: 'pacs', baseUrl: secured.dicomWebUrl, authorization: basic }).deliver(objects.slice(0, 1));
      expect(withAuth[0].outcome).toBe('delivered');
    } finally {
      await secured.stop();
    }
  });
});

describe('StowRsTarget against a scripted HTTP peer', () => {
  let server: Server;
  let reply: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => reply(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const item = (uid: string, reasonTag: string, reason?: number) => ({
    '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.66.4'] },
    '00081155': { vr: 'UI', Value: [uid] },
    ...(reason !== undefined ? { [reasonTag]: { vr: 'US', Value: [reason] } } : {}),
  });

  it('posts one multipart/related part per object, exactly the object bytes', async () => {
    const { objects } = resultObjects();
    let seen: { url?: string; type?: string; accept?: string; body?: Buffer } = {};
    reply = (req, body, res) => {
      seen = { url: req.url, type: req.headers['content-type'], accept: req.headers.accept, body };
      res.writeHead(200).end();
    };
    await new StowRsTarget({ id: 'x', baseUrl }).deliver(objects);
    expect(seen.url).toBe('/dicom-web/studies');
    expect(seen.accept).toBe('application/dicom+json');
    const boundary = /^multipart\/related; type="application\/dicom"; boundary=(\S+)$/.exec(seen.type!)![1];
    const parts = seen.body!.toString('latin1').split(`--${boundary}`);
    expect(parts.at(-1)).toBe('--\r\n');
    const payloads = parts.slice(1, -1).map((p) => Buffer.from(p.slice(p.indexOf('\r\n\r\n') + 4, -2), 'latin1'));
    expect(payloads.map(sha)).toEqual(objects.map((o) => sha(o.bytes)));
  });

  it('reads a 202: stored, warned, out of resources (retry) and refused (final)', async () => {
    const uids = ['1.1', '1.2', '1.3', '1.4', '1.5'];
    reply = (_req, _body, res) =>
      res.writeHead(202, { 'Content-Type': 'application/dicom+json' }).end(
        JSON.stringify({
          '00081199': { vr: 'SQ', Value: [item('1.1', '00081196'), item('1.2', '00081196', 0xb000)] },
          '00081198': { vr: 'SQ', Value: [item('1.3', '00081197', 0xa700), item('1.4', '00081197', 0xc000)] },
        }),
      );
    const outcomes = await new StowRsTarget({ id: 'x', baseUrl }).deliver(uids.map((SOPInstanceUID) => ({ SOPInstanceUID, bytes: Buffer.from('DICM') })));
    expect(outcomes.map((o) => [o.outcome, o.detail])).toEqual([
      ['delivered', 'HTTP 202 Accepted'],
      ['delivered', 'HTTP 202 Accepted, warning 0xB000'],
      ['retry', 'HTTP 202 Accepted, failure 0xA700'],
      ['rejected', 'HTTP 202 Accepted, failure 0xC000'],
      ['retry', 'HTTP 202 Accepted, not acknowledged'],
    ]);
  });

  it('reads 409 as refused, and 503 with Retry-After as a retry after that long', async () => {
    reply = (_req, _body, res) => res.writeHead(409).end(JSON.stringify({ '00081198': { vr: 'SQ', Value: [item('2.1', '00081197', 0xa900)] } }));
    const conflict = await new StowRsTarget({ id: 'x', baseUrl }).deliver([{ SOPInstanceUID: '2.1', bytes: Buffer.from('x') }]);
    expect([conflict[0].outcome, conflict[0].error?.status]).toEqual(['rejected', 409]);

    reply = (_req, _body, res) => res.writeHead(503, { 'Retry-After': '42' }).end('busy');
    const busy = await new StowRsTarget({ id: 'x', baseUrl }).deliver([{ SOPInstanceUID: '2.2', bytes: Buffer.from('x') }]);
    expect(busy[0].outcome).toBe('retry');
    expect((busy[0].error as DeliveryFailedError).retryAfterMs).toBe(42_000);
    expect(nextRetry(1, busy[0].error)).toEqual({ retry: true, delayMs: 42_000 });

    reply = (_req, _body, res) => res.writeHead(429).end();
    expect((await new StowRsTarget({ id: 'x', baseUrl }).deliver([{ SOPInstanceUID: '2.3', bytes: Buffer.from('x') }]))[0].outcome).toBe('retry');
  });

  it('gives up on a peer that does not answer within the timeout, as a retry', async () => {
    reply = () => undefined; // never answers
    const outcomes = await new StowRsTarget({ id: 'x', baseUrl, timeoutMs: 200 }).deliver([{ SOPInstanceUID: '3.1', bytes: Buffer.from('x') }]);
    expect(outcomes[0].outcome).toBe('retry');
    server.closeAllConnections();
  });
});

describe(parseStowResponse.name, () => {
  it('reads both sequences from an object or a one-element array, and nothing from other bodies', () => {
    const body = {
      '00081198': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['9.1'] }, '00081197': { vr: 'US', Value: [272] } }] },
      '00081199': { vr: 'SQ' },
    };
    const expected = { referenced: [], failed: [{ SOPInstanceUID: '9.1', reason: 272 }] };
    expect(parseStowResponse(JSON.stringify(body))).toEqual(expected);
    expect(parseStowResponse(JSON.stringify([body]))).toEqual(expected);
    expect(parseStowResponse('')).toBeNull();
    expect(parseStowResponse('<html>oops</html>')).toBeNull();
    expect(parseStowResponse('{"HttpError":"Not Found"}')).toBeNull();
  });
});
