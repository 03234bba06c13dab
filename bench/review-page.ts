// The review page's speed in a real browser (Debian's Chromium through playwright-core) on loopback: the time from
// opening a study to its first image drawn with the SEG overlay, and slices per second while scrolling, for a 12-slice
// 256x256 CT perfusion series (4D: the page shows the first time point of each slice) and a 24-slice 512x512 CT.
// The gateway runs in this process (SQLite, real HTTP, the security guard, real Redis for its queue); the studies are
// stored by STOW-RS, and each gets a SEG indexed as an analysis result the way the pipeline does it. The SEG comes from
// the phantom's truth masks (perfusion) or a box (CT), so the figures measure the page, not the analysis.
// Peer, in the same run and browser: fetching and decoding the middle slice as a PNG from WADO-RS /rendered.
// Each study also gets a Tmax Parametric Map (the phantom's true Tmax, or a box): the time from choosing it in the
// toolbar to its first frame drawn over the image is measured too.
// Run: npm run build && node dist/bench/review-page.js [--runs 9]
import './register-aliases';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@nidus/config';
import { buildParametricMap, buildSegmentation, code, Codes, readPart10, SopClass, type DicomDataset } from '@nidus/dicom';
import { AnalysisRepository, ResultFileStore, ResultInstanceIndex, ResultObjectRepository } from '@nidus/persistence';
import { AppContext, closeAppContext, openAppContext } from '@nidus/runtime';
import { generateHeadPhantom, launchChromium, PROJECT_ROOT, silent, syntheticCtSeries, writePhantomSeries } from '@nidus/testing';
import { startGateway } from '../apps/gateway/src/gateway';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 9) || 9;

declare const window: any;
declare const localStorage: any;
declare const requestAnimationFrame: any;
declare const createImageBitmap: any;
declare const document: any;
declare const Event: any;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function stow(url: string, token: string, files: Buffer[]): Promise<void> {
  for (let i = 0; i < files.length; i += 40) {
    const boundary = `b-${randomBytes(6).toString('hex')}`;
    const body = Buffer.concat([
      ...files.slice(i, i + 40).flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${url}/dicomweb/studies`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
      body,
    });
    if (res.status !== 200) throw new Error(`STOW-RS answered ${res.status}`);
  }
}

const RESULT = {
  coreVolumeMl: 10,
  hypoperfusionVolumeMl: 50,
  tmax10VolumeMl: 20,
  mismatchVolumeMl: 40,
  mismatchRatio: 5,
  hypoperfusionIntensityRatio: 0.4,
  affectedHemisphere: 'left',
  eligibility: { defuse3: true, extend: true },
  warnings: [],
};

/** An analysis of the series with its SEG and a Tmax Parametric Map, recorded and indexed as the analysis run handler does it. */
async function analysedWithSeg(context: AppContext, headers: DicomDataset[], core: Uint8Array, hypo: Uint8Array, tmax: Float32Array): Promise<void> {
  const first = headers[0];
  const rows = first.number('Rows')!;
  const columns = first.number('Columns')!;
  const StudyInstanceUID = first.string('StudyInstanceUID')!;
  const SeriesInstanceUID = first.string('SeriesInstanceUID')!;
  const analyses = new AnalysisRepository(context.db);
  const { analysis } = await analyses.createOnce({
    inputKey: randomBytes(32).toString('hex'),
    StudyInstanceUID,
    SeriesInstanceUID,
    kind: 'ctp',
    priority: 'stat',
    instanceCount: headers.length,
  });
  await analyses.markSucceeded(analysis.id, RESULT);
  const geometry = {
    SeriesInstanceUID,
    Rows: rows,
    Columns: columns,
    ImageOrientationPatient: first.numbers('ImageOrientationPatient') as unknown as [number, number, number, number, number, number],
    PixelSpacing: first.numbers('PixelSpacing') as unknown as [number, number],
    slices: headers.map((h) => ({
      SOPInstanceUID: h.string('SOPInstanceUID')!,
      SOPClassUID: SopClass.CTImageStorage,
      ImagePositionPatient: h.numbers('ImagePositionPatient') as unknown as [number, number, number],
    })),
  };
  const seg = buildSegmentation(
    {
      source: first,
      geometry,
      algorithm: { name: 'bench', version: '1', family: code('123110', 'DCM', 'Artificial Intelligence') },
      segments: [
        { SegmentLabel: 'Ischemic core', category: Codes.MorphologicallyAlteredStructure, type: Codes.Infarct, displayColorRgb: [255, 0, 255], mask: core },
        { SegmentLabel: 'Hypoperfusion', category: Codes.MorphologicallyAlteredStructure, type: Codes.Ischemia, displayColorRgb: [0, 255, 0], mask: hypo },
      ],
    },
    { softwareVersion: 'bench', uidSeed: analysis.id, seriesNumber: 9901, seriesDescription: 'NIDUS CTP SEG' },
  );
  const path = new ResultFileStore(context.config.dataDir).write(analysis.id, 'seg', seg.SOPInstanceUID, seg.bytes);
  await new ResultInstanceIndex(context.db, context.config.dataDir).record(StudyInstanceUID, seg, path);
  await new ResultObjectRepository(context.db).recordOnce({ ...seg, analysisId: analysis.id, kind: 'seg', path });
  const pm = buildParametricMap(
    { source: first, geometry, quantity: Codes.Tmax, unit: Codes.Second, label: 'TMAX', values: tmax, displayRange: [0, 12], instanceKey: 'tmax' },
    { softwareVersion: 'bench', uidSeed: analysis.id, seriesNumber: 9905, seriesDescription: 'NIDUS CTP MAPS' },
  );
  const pmPath = new ResultFileStore(context.config.dataDir).write(analysis.id, 'pm', pm.SOPInstanceUID, pm.bytes);
  await new ResultInstanceIndex(context.db, context.config.dataDir).record(StudyInstanceUID, pm, pmPath);
  await new ResultObjectRepository(context.db).recordOnce({ ...pm, analysisId: analysis.id, kind: 'pm', path: pmPath });
}

/** The perfusion phantom (4D) stored, and the first time point of each slice as the SEG's sources. */
async function perfusionCase(context: AppContext, url: string, token: string, dir: string) {
  const phantom = generateHeadPhantom({
    seed: 7,
    columns: 256,
    rows: 256,
    slices: 12,
    timesSeconds: Array.from({ length: 20 }, (_, i) => i * 2),
    noiseHu: 6,
    lesion: { side: 'left' },
  });
  const series = writePhantomSeries(phantom.volume, join(dir, 'ctp'), { PatientName: 'Bench^Perfusion', PatientID: 'BENCH-CTP' });
  const files = series.paths.map((p) => readFileSync(p));
  await stow(url, token, files);
  const byPosition = new Map<string, DicomDataset>();
  for (const f of files) {
    const ds = readPart10(f, { untilTag: 'x7fe00010' });
    const key = ds.numbers('ImagePositionPatient').join('\\');
    const seen = byPosition.get(key);
    if (!seen || (ds.string('AcquisitionTime') ?? '') < (seen.string('AcquisitionTime') ?? '')) byPosition.set(key, ds);
  }
  const headers = [...byPosition.values()].sort((a, b) => a.numbers('ImagePositionPatient')[2] - b.numbers('ImagePositionPatient')[2]);
  await analysedWithSeg(context, headers, phantom.truth.coreMask, phantom.truth.hypoperfusionMask, phantom.truth.tmax);
  return { name: '12-slice 256x256 CT perfusion (x 20 time points)', StudyInstanceUID: series.StudyInstanceUID, slices: 12, instances: files.length };
}

/** A 24-slice 512x512 CT with a box-shaped SEG on its middle slices. */
async function ctCase(context: AppContext, url: string, token: string) {
  const series = syntheticCtSeries({ rows: 512, columns: 512, slices: 24, PixelSpacing: [0.45, 0.45], sliceSpacing: 5 });
  await stow(url, token, series.files);
  const n = 512 * 512;
  const core = new Uint8Array(24 * n);
  const hypo = new Uint8Array(24 * n);
  for (let z = 8; z < 16; z++)
    for (let y = 150; y < 350; y++)
      for (let x = 280; x < 420; x++) {
        hypo[z * n + y * 512 + x] = 1;
        if (x > 320 && x < 380 && y > 200 && y < 300) core[z * n + y * 512 + x] = 1;
      }
  const headers = [...series.datasets].sort((a, b) => a.numbers('ImagePositionPatient')[2] - b.numbers('ImagePositionPatient')[2]);
  await analysedWithSeg(
    context,
    headers,
    core,
    hypo,
    Float32Array.from(hypo, (v, i) => (v ? 8 : 1) + (i % 7) / 7),
  );
  return { name: '24-slice 512x512 CT', StudyInstanceUID: series.StudyInstanceUID, slices: 24, instances: 24 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-bench-review-'));
  const config = loadConfig({
    DATA_DIR: join(dir, 'data'),
    DICOM_PORT: '0',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DISK_RESERVE_MB: '0',
  });
  const context = await openAppContext(config, { queuePrefix: `bench-review-${randomBytes(4).toString('hex')}`, logger: silent });
  const gateway = await startGateway(context);
  const radiologist = (await context.security.tokens.create({ name: 'bench radiologist', role: 'radiologist', createdBy: 'bench' })).token;
  const integration = (await context.security.tokens.create({ name: 'bench pacs', role: 'integration', createdBy: 'bench' })).token;
  const cases = [await perfusionCase(context, gateway.url, integration, dir), await ctCase(context, gateway.url, integration)];
  const browser = await launchChromium({ width: 1400, height: 900 });
  const page = await browser.context.newPage();
  await page.goto(`${gateway.url}/ui/app.css`);
  await page.evaluate((token) => localStorage.setItem('nidus.apiToken', token), radiologist);
  const results = [];
  for (const c of cases) {
    const open: number[] = [];
    const boot: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      await page.goto(`${gateway.url}/studies/${c.StudyInstanceUID}`);
      await page.waitForFunction(() => window.nidusViewer?.firstOverlayAt != null, undefined, { timeout: 30_000, polling: 10 });
      open.push(await page.evaluate(() => window.nidusViewer.firstOverlayAt as number));
      boot.push(await page.evaluate(() => (performance as any).getEntriesByName('nidus-start')[0]?.startTime ?? 0));
      if (process.env.PROBE && run === RUNS)
        console.log(
          await page.evaluate(() =>
            JSON.stringify([
              ...(performance as any)
                .getEntriesByType('navigation')
                .map((e: any) => ['nav', Math.round(e.responseEnd), Math.round(e.domContentLoadedEventEnd)]),
              ...(performance as any).getEntriesByType('resource').map((e: any) => [e.name.slice(-50), Math.round(e.startTime), Math.round(e.responseEnd)]),
              ['firstOverlay', Math.round(window.nidusViewer.firstOverlayAt)],
            ]),
          ),
        );
    }
    const [cold, ...warm] = open;
    const warmBoot = boot.slice(1);
    if (process.env.PROBE) {
      const t = async (path: string) => {
        const t0 = performance.now();
        const r = await fetch(gateway.url + path, {
          headers: { Authorization: `Bearer ${radiologist}`, Accept: 'multipart/related; type="application/octet-stream"' },
        });
        await r.arrayBuffer();
        return Math.round(performance.now() - t0);
      };
      const study: any = await (
        await fetch(`${gateway.url}/api/review/studies/${c.StudyInstanceUID}`, { headers: { Authorization: `Bearer ${radiologist}` } })
      ).json();
      const src = study.series.find((s: any) => !s.result).SeriesInstanceUID;
      const st: any = await (
        await fetch(`${gateway.url}/api/review/studies/${c.StudyInstanceUID}/series/${src}/stack`, { headers: { Authorization: `Bearer ${radiologist}` } })
      ).json();
      console.log('probe', c.name, {
        study: await t(`/api/review/studies/${c.StudyInstanceUID}`),
        stack: await t(`/api/review/studies/${c.StudyInstanceUID}/series/${src}/stack`),
        overlay: await t(`/api/review/studies/${c.StudyInstanceUID}/analyses/${study.analyses[0].id}/overlay`),
        frame: await t(`/dicomweb/studies/${c.StudyInstanceUID}/series/${src}/instances/${st.images[3].SOPInstanceUID}/frames/1`),
        health: await t('/health/live'),
      });
    }
    // scrolling: every slice in turn, each awaited until drawn with its overlay; first pass loads, second is cached
    const scroll = await page.evaluate(async () => {
      const v = window.nidusViewer;
      const drawn = (i: number) =>
        new Promise<void>((resolve) =>
          (function tick() {
            if (v.drawn === i && v.index === i) resolve();
            else requestAnimationFrame(tick);
          })(),
        );
      const pass = async () => {
        const t0 = performance.now();
        for (let i = 0; i < v.count; i++) {
          await v.show(i);
          await drawn(i);
        }
        return performance.now() - t0;
      };
      await v.show(0);
      await drawn(0);
      return { first: await pass(), cached: await pass(), count: v.count };
    });
    // the Tmax map: chosen in the toolbar until drawn over the image (its first fetch, then from the page's cache)
    const mapShown: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      mapShown.push(
        await page.evaluate(async () => {
          const select = document.querySelector('[data-testid=map-select]');
          const v = window.nidusViewer;
          const choose = (value: string) => {
            select.value = value;
            select.dispatchEvent(new Event('change'));
          };
          choose('');
          const t0 = performance.now();
          choose(select.options[1].value);
          await new Promise<void>((resolve) =>
            (function tick() {
              if (v.mapShown) requestAnimationFrame(() => resolve());
              else requestAnimationFrame(tick);
            })(),
          );
          return performance.now() - t0;
        }),
      );
    }
    const [mapCold, ...mapWarm] = mapShown;
    // the peer: the middle slice as a PNG by WADO-RS /rendered, fetched and decoded in the same page
    const stack = await (
      await fetch(`${gateway.url}/api/review/studies/${c.StudyInstanceUID}`, { headers: { Authorization: `Bearer ${radiologist}` } })
    ).json();
    const source = (stack as any).series.find((s: any) => !s.result);
    const images = (await (
      await fetch(`${gateway.url}/api/review/studies/${c.StudyInstanceUID}/series/${source.SeriesInstanceUID}/stack`, {
        headers: { Authorization: `Bearer ${radiologist}` },
      })
    ).json()) as any;
    const middle = images.images[Math.floor((images.images.length - 1) / 2)].SOPInstanceUID;
    const rendered = `/dicomweb/studies/${c.StudyInstanceUID}/series/${source.SeriesInstanceUID}/instances/${middle}/rendered`;
    const peer: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      peer.push(
        await page.evaluate(
          async ([path, token]) => {
            const t0 = performance.now();
            const blob = await (await fetch(path, { headers: { Authorization: `Bearer ${token}`, Accept: 'image/png' }, cache: 'no-store' } as any)).blob();
            (await createImageBitmap(blob)).close();
            return performance.now() - t0;
          },
          [rendered, radiologist] as const,
        ),
      );
    }
    const row = {
      case: c.name,
      instances: c.instances,
      openColdMs: Math.round(cold),
      openWarmMedianMs: Math.round(median(warm)),
      /** of which: navigation to the page's script running (HTML, app.js download, parse) */
      bootWarmMedianMs: Math.round(median(warmBoot)),
      /** choosing the Tmax map to its first frame drawn: first time (fetch, parse) and the median after (cached) */
      mapFirstMs: Math.round(mapCold),
      mapCachedMedianMs: Math.round(median(mapWarm)),
      scrollFirstPassSlicesPerSecond: Math.round((scroll.count / scroll.first) * 1000 * 10) / 10,
      scrollCachedSlicesPerSecond: Math.round((scroll.count / scroll.cached) * 1000 * 10) / 10,
      peerRenderedPngMedianMs: Math.round(median(peer)),
      ratioOpenToPeer: Math.round((median(warm) / median(peer)) * 10) / 10,
    };
    results.push(row);
    console.log(JSON.stringify(row));
  }
  const out = join(PROJECT_ROOT, 'bench', 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'review-page.json'), JSON.stringify({ runs: RUNS, cpus: cpus().length, cpu: cpus()[0]?.model, results }, null, 2));
  await browser.close();
  await gateway.close();
  await closeAppContext(context);
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
