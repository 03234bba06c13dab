import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@nidus/config';
import { generateUid, writePart10 } from '@nidus/dicom';
import { AppContext, closeAppContext, openAppContext } from '@nidus/runtime';
import { syntheticCtElements } from '@nidus/testing';
import { RunningGateway, startGateway } from '../gateway';
import { MAX_FRAMES_PER_REQUEST } from './wado.service';

// Issue 12, "bounded requests": one GET cannot make the gateway decode a frame thousands of times, and paging
// parameters out of range are a 400, not a 500 from the database. The real gateway over HTTP.

describe('bounded requests', () => {
  let dir: string;
  let context: AppContext;
  let gateway: RunningGateway;
  let reader: string;
  let store: string;
  const StudyInstanceUID = generateUid();
  const SeriesInstanceUID = generateUid();
  const rows = 32;
  const columns = 48;
  let SOPInstanceUID: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-bounded-'));
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'),
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DICOM_PORT: '0',
      LOG_LEVEL: 'silent',
      DISK_RESERVE_MB: '0',
    });
    context = await openAppContext(config, { queuePrefix: `nidus-bounded-${randomBytes(4).toString('hex')}` });
    gateway = await startGateway(context);
    store = (await context.security.tokens.create({ name: 'pacs', role: 'integration', createdBy: 'test' })).token;
    reader = (await context.security.tokens.create({ name: 'reader', role: 'viewer', createdBy: 'test' })).token;
    const elements = syntheticCtElements(0, { rows, columns, StudyInstanceUID, SeriesInstanceUID });
    SOPInstanceUID = elements.SOPInstanceUID as string;
    const boundary = 'bnd';
    const res = await fetch(`${gateway.url}/dicomweb/studies`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${store}`, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
      body: Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
        writePart10(elements),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.close();
    for (const q of Object.values(context?.queue.queues ?? {})) await q.obliterate({ force: true }).catch(() => undefined);
    if (context) await closeAppContext(context);
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, accept = 'application/json') => fetch(`${gateway.url}${path}`, { headers: { Authorization: `Bearer ${reader}`, Accept: accept } });
  const frames = (list: string) =>
    get(
      `/dicomweb/studies/${StudyInstanceUID}/series/${SeriesInstanceUID}/instances/${SOPInstanceUID}/frames/${list}`,
      'multipart/related; type="application/octet-stream"',
    );

  it('answers frame 1 asked for 4,000 times with one frame (decoded once), not 4,000', async () => {
    const res = await frames(Array(4000).fill('1').join(','));
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeGreaterThanOrEqual(rows * columns * 2);
    expect(body.length).toBeLessThan(2 * rows * columns * 2);
  });

  it(`refuses more than ${MAX_FRAMES_PER_REQUEST} distinct frames with 400 and the reason`, async () => {
    const res = await frames(Array.from({ length: MAX_FRAMES_PER_REQUEST + 1 }, (_, i) => i + 1).join(','));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(new RegExp(`${MAX_FRAMES_PER_REQUEST + 1} frames asked for; at most ${MAX_FRAMES_PER_REQUEST}`));
  });

  it.each(['/dicomweb/studies', '/dicomweb/series', '/dicomweb/instances', '/api/studies'])(
    'answers %s?offset=1e20 with 400, and a sane page with 200',
    async (path) => {
      for (const bad of ['offset=1e20', 'offset=-1', 'limit=abc', 'offset=99999999999999999999', 'offset=1.5']) {
        const res = await get(`${path}?${bad}`, path.startsWith('/dicomweb') ? 'application/dicom+json' : 'application/json');
        expect([bad, res.status]).toEqual([bad, 400]);
      }
      const ok = await get(`${path}?offset=0&limit=5`, path.startsWith('/dicomweb') ? 'application/dicom+json' : 'application/json');
      expect(ok.status).toBe(200);
    },
  );

  it('refuses STOW-RS part headers past their bounds (size, count) with 413 and the reason, and stores nothing of it', async () => {
    const boundary = 'hdr';
    const stow = (fields: string[]) =>
      fetch(`${gateway.url}/dicomweb/studies`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${store}`, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
        body: Buffer.concat([
          Buffer.from(`--${boundary}\r\n${fields.join('\r\n')}\r\n\r\n`),
          writePart10(syntheticCtElements(1, { rows, columns, StudyInstanceUID, SeriesInstanceUID })),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    const long = await stow(['Content-Type: application/dicom', `X-Filler: ${'a'.repeat(64 * 1024)}`]);
    expect(long.status).toBe(413);
    expect(await long.text()).toMatch(/part 1 has headers longer than 16384 bytes/);
    const many = await stow(['Content-Type: application/dicom', ...Array.from({ length: 200 }, (_, i) => `X-${i}: v`)]);
    expect(many.status).toBe(413);
    expect(await many.text()).toMatch(/part 1 has 201 header fields; at most 32/);
    const instances = await get(`/dicomweb/studies/${StudyInstanceUID}/instances`, 'application/dicom+json');
    expect(((await instances.json()) as unknown[]).length).toBe(1);
  });
});
