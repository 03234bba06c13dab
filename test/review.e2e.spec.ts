import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import {
  artifactDir,
  ChromiumSession,
  flushRedisDatabase,
  freePort,
  generateHeadPhantom,
  generateMovingHeadPhantom,
  launchChromium,
  NidusServer,
  redisUrlForDatabase,
  startNidus,
  storescu,
  uniformSamplingTimes,
  waitUntil,
  WebhookReceiver,
  writeNidusConfig,
  writePhantomSeries,
} from '@nidus/testing';

// Issue 15 in a real browser (Debian's Chromium through playwright-core) against `nidus serve`: a perfusion phantom
// with a lesion in the patient's left hemisphere is sent by storescu; the worklist lists it; the study view draws the
// Tmax > 6 s overlay where the phantom's lesion is (canvas pixels inside and, mirrored, outside it), on the image's
// right (patient left, radiological convention, labelled L); scrolling changes slice; accept and reject persist
// after a reload; the phone-sized alert view acknowledges. Screenshots go to test-artifacts/review/.

const REDIS_DB = 10; // this file's own Redis database: `nidus serve` uses the default queue prefix
const SECRET = 'e2e-review-shared-secret-0123456789';
const TIMES = Array.from({ length: 28 }, (_, i) => i * 1.6);
const COLUMNS = 96;
const ROWS = 96;
const SLICES = 6;

interface ViewerProbe {
  drawn: number;
  index: number;
  count: number;
  right: string;
  left: string;
}

declare const window: any;

/** The state of the page's viewer (window.nidusViewer, the StackViewer of the study view). */
function probe(page: Page): Promise<ViewerProbe | null> {
  return page.evaluate(() => {
    const v = window.nidusViewer;
    if (!v) return null;
    return {
      drawn: v.drawn,
      index: v.index,
      count: v.count,
      right: document.querySelector('.orientation.right')?.textContent ?? '',
      left: document.querySelector('.orientation.left')?.textContent ?? '',
    };
  });
}

/** RGBA of the viewer's canvas at the centre of image pixel (x, y). */
function canvasPixel(page: Page, x: number, y: number): Promise<{ rgba: number[]; canvasX: number; width: number }> {
  return page.evaluate(
    ([px, py]) => {
      const v = window.nidusViewer;
      const p = v.canvasPoint(px + 0.5, py + 0.5);
      const canvas = v.canvas as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(Math.floor(p.x), Math.floor(p.y), 1, 1).data;
      return { rgba: [...data], canvasX: p.x, width: canvas.width };
    },
    [x, y],
  );
}

const chroma = ([r, g, b]: number[]) => Math.abs(r - g) + Math.abs(g - b) + Math.abs(r - b);

/** The value a drawn map colour stands for: its nearest colour on the page's colour bar, placed on the bar's range. */
async function mapValue(page: Page, rgba: number[]): Promise<{ value: number; distance: number }> {
  const bar = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=map-colour-bar] canvas') as HTMLCanvasElement;
    return { data: [...canvas.getContext('2d')!.getImageData(0, 0, canvas.width, 1).data], width: canvas.width };
  });
  const low = Number(await page.locator('[data-testid=map-low]').innerText());
  const high = Number.parseFloat(await page.locator('[data-testid=map-high]').innerText());
  let best = { x: 0, distance: Infinity };
  for (let x = 0; x < bar.width; x++) {
    const d = Math.abs(bar.data[4 * x] - rgba[0]) + Math.abs(bar.data[4 * x + 1] - rgba[1]) + Math.abs(bar.data[4 * x + 2] - rgba[2]);
    if (d < best.distance) best = { x, distance: d };
  }
  return { value: low + (best.x / (bar.width - 1)) * (high - low), distance: best.distance };
}

/** The slice with the most lesion, its pixel deepest inside the lesion, and the mirrored pixel across the midline. */
function lesionPoints(mask: Uint8Array, brain: Uint8Array) {
  let best = { z: 0, n: -1 };
  for (let z = 0; z < SLICES; z++) {
    let n = 0;
    for (let i = 0; i < ROWS * COLUMNS; i++) n += mask[z * ROWS * COLUMNS + i];
    if (n > best.n) best = { z, n };
  }
  const at = (x: number, y: number) => mask[(best.z * ROWS + y) * COLUMNS + x];
  let inside = { x: 0, y: 0, depth: -1 };
  for (let y = 0; y < ROWS; y++) {
    for (let x = 0; x < COLUMNS; x++) {
      if (!at(x, y)) continue;
      let depth = 0;
      while (depth < 20 && at(x + depth, y) && at(x - depth, y) && at(x, y + depth) && at(x, y - depth)) depth++;
      if (depth > inside.depth) inside = { x, y, depth };
    }
  }
  const mirror = { x: COLUMNS - 1 - inside.x, y: inside.y };
  expect(at(mirror.x, mirror.y)).toBe(0);
  expect(brain[(best.z * ROWS + mirror.y) * COLUMNS + mirror.x]).toBe(1);
  return { z: best.z, inside, mirror };
}

async function waitForViewer(page: Page, slice?: number): Promise<ViewerProbe> {
  return waitUntil(
    `the viewer drew slice ${slice ?? 'any'}`,
    async () => {
      const p = await probe(page);
      return p && p.drawn >= 0 && (slice === undefined || (p.drawn === slice && p.index === slice)) ? p : undefined;
    },
    15_000,
    50,
  );
}

describe('the review page in a browser', () => {
  let dir: string;
  let receiver: WebhookReceiver;
  let nidus: NidusServer;
  let browser: ChromiumSession;
  const shots = artifactDir('review');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-review-e2e-'));
    await flushRedisDatabase(REDIS_DB);
    receiver = await WebhookReceiver.start({ secret: SECRET });
    const httpPort = await freePort();
    const config = writeNidusConfig(dir, {
      alerts: {
        teams: [
          { id: 'stroke', name: 'Stroke team', onCall: [{ name: 'stroke-resident', url: receiver.url('/resident'), secret: SECRET, ackTimeoutSeconds: 600 }] },
        ],
        publicBaseUrl: `http://127.0.0.1:${httpPort}`,
      },
    });
    nidus = await startNidus({
      DATA_DIR: join(dir, 'data'),
      REDIS_URL: redisUrlForDatabase(REDIS_DB),
      NIDUS_CONFIG: config,
      STABLE_AFTER_SECONDS: '2',
      HTTP_PORT: String(httpPort),
    });
    await Promise.all([nidus.token('radiologist'), nidus.token('stroke')]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (nidus && nidus.process.exitCode === null) await nidus.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the study, draws the lesion overlay on the patient-left side, scrolls, keeps reviews and acknowledges the alert', async () => {
    const phantom = generateHeadPhantom({ seed: 31, columns: COLUMNS, rows: ROWS, slices: SLICES, timesSeconds: TIMES, noiseHu: 6, lesion: { side: 'left' } });
    const series = writePhantomSeries(phantom.volume, join(dir, 'study'), {
      PatientName: 'Review^Phantom',
      PatientID: 'REVIEW-1',
      AccessionNumber: 'ACC-REVIEW',
    });
    await storescu({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });
    const radiologist = await nidus.token('radiologist');
    const api = async (path: string, token = radiologist) =>
      (await fetch(nidus.url + path, { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<any>;
    // the numbers first, the SEG and the maps a moment later
    const study = await waitUntil(
      'the analysis with its SEG and maps',
      async () => {
        const s = await api(`/api/review/studies/${series.StudyInstanceUID}`).catch(() => undefined);
        const kinds: string[] = s?.analyses?.[0]?.objects?.map((o: { kind: string }) => o.kind) ?? [];
        return kinds.includes('seg') && kinds.filter((k) => k === 'pm').length === 5 ? s : undefined;
      },
      60_000,
      250,
    );
    expect(study.analyses[0].view.fields.find((f: { key: string }) => f.key === 'affectedHemisphere').value).toBe('left');

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // sign-in: no credential yet, so the page asks; the API token is entered once
    await page.goto(`${nidus.url}/worklist`);
    await page.waitForSelector('[data-testid=api-token]');
    await page.screenshot({ path: join(shots, '1-sign-in.png') });
    await page.fill('[data-testid=api-token]', radiologist);
    await page.click('[data-testid=use-token]');

    // worklist: the study, done, stat, with the headline of its analysis
    const row = page.locator(`[data-testid=worklist-row][data-study="${series.StudyInstanceUID}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid=status]').innerText()).toContain('done');
    expect(await row.innerText()).toMatch(/STAT[\s\S]*Review, Phantom[\s\S]*REVIEW-1[\s\S]*ACC-REVIEW[\s\S]*CT[\s\S]*Tmax>6s \d+(\.\d)? mL/);
    expect(await row.locator('[data-testid=reviewed]').innerText()).toBe('—');
    await page.screenshot({ path: join(shots, '2-worklist.png') });

    // study view: open, scroll by keys to the slice with the most lesion
    await row.locator('a').click();
    await waitForViewer(page);
    const { z, inside, mirror } = lesionPoints(phantom.truth.hypoperfusionMask, phantom.truth.brainMask);
    await page.focus('[data-testid=viewport]');
    await page.keyboard.press('Home');
    await waitForViewer(page, 0);
    for (let k = 0; k < z; k++) await page.keyboard.press('ArrowDown');
    const shown = await waitForViewer(page, z);
    expect(shown.count).toBe(SLICES);
    // radiological convention: the patient's left on the image's right
    expect([shown.left, shown.right]).toEqual(['R', 'L']);
    const lesion = await canvasPixel(page, inside.x, inside.y);
    const healthy = await canvasPixel(page, mirror.x, mirror.y);
    expect(lesion.canvasX).toBeGreaterThan(lesion.width / 2);
    expect(chroma(lesion.rgba)).toBeGreaterThan(30); // tinted by the overlay
    expect(chroma(healthy.rgba)).toBeLessThanOrEqual(3); // grey image only
    expect(lesion.rgba[1]).toBeGreaterThan(lesion.rgba[0]); // hypoperfusion is green (or the magenta core's outline over it)
    await page.screenshot({ path: join(shots, '3-study-lesion.png') });
    // the overlay is what tints it: switched off, the same pixel is grey
    await page.uncheck('[data-testid=segment-toggle-2]');
    await page.uncheck('[data-testid=segment-toggle-1]');
    await waitUntil('grey without overlays', async () => chroma((await canvasPixel(page, inside.x, inside.y)).rgba) <= 3 || undefined, 5000, 50);

    // the Tmax map over the image (segments off, fully opaque): later inside the lesion than at the mirrored point
    const maps = await api(`/api/review/studies/${series.StudyInstanceUID}/analyses/${study.analyses[0].id}/maps`);
    expect(maps.maps.map((m: { label: string; unit: string }) => `${m.label} ${m.unit}`)).toEqual([
      'TMAX s',
      'RCBF %',
      'CBF mL/(100.g)/min',
      'CBV mL/(100.g)',
      'MTT s',
    ]);
    await page.selectOption('[data-testid=map-select]', { label: 'TMAX (s)' });
    await page.locator('[data-testid=map-colour-bar]').waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid=map-high]').innerText()).toBe('12 s');
    await page.evaluate(() => {
      const slider = document.querySelector('[data-testid=map-opacity]') as HTMLInputElement;
      slider.value = '1';
      slider.dispatchEvent(new Event('input'));
    });
    // fully opaque once redrawn: both pixels then have colours of the bar itself
    const { tmaxInside, tmaxMirror } = await waitUntil(
      'the Tmax map drawn opaque',
      async () => {
        const [inLesion, atMirror] = [await canvasPixel(page, inside.x, inside.y), await canvasPixel(page, mirror.x, mirror.y)];
        const [a, b] = [await mapValue(page, inLesion.rgba), await mapValue(page, atMirror.rgba)];
        return a.distance === 0 && b.distance === 0 ? { tmaxInside: a, tmaxMirror: b } : undefined;
      },
      5000,
      50,
    );
    expect(tmaxInside.value).toBeGreaterThan(6); // the phantom's lesion is Tmax > 6 s
    expect(tmaxMirror.value).toBeLessThan(6);
    expect(tmaxInside.value).toBeGreaterThan(tmaxMirror.value + 2);
    await page.check('[data-testid=segment-toggle-1]');
    await page.check('[data-testid=segment-toggle-2]');
    await page.screenshot({ path: join(shots, '3b-study-tmax-map.png') });
    // switched off, the healthy side is grey again
    await page.selectOption('[data-testid=map-select]', { label: 'No map' });
    await waitUntil('grey without the map', async () => chroma((await canvasPixel(page, mirror.x, mirror.y)).rgba) <= 3 || undefined, 5000, 50);
    expect(await page.locator('[data-testid=map-colour-bar]').isVisible()).toBe(false);

    // quality control beside the numbers: the curves with their locations, the motion plot, the confidence and why
    const view = study.analyses[0].view;
    const quality = page.locator('[data-testid=analysis-ctp] [data-testid=quality]');
    expect(await quality.locator('[data-testid=quality-confidence]').innerText()).toBe(
      `Confidence ${view.quality.confidence}${view.quality.reasons.length ? `: ${view.quality.reasons.join('; ')}` : ''}`,
    );
    const curves = quality.locator('[data-testid="chart-qc.curves"]');
    expect(await curves.locator('polyline').evaluateAll((lines) => lines.map((l) => l.getAttribute('data-series')))).toEqual(['AIF', 'VOF']);
    expect(await curves.innerText()).toMatch(
      /AIF: \d+ voxels around \(-?\d+(\.\d)?, -?\d+(\.\d)?, -?\d+(\.\d)?\) mm[\s\S]*VOF: \d+ voxels[\s\S]*Bolus (truncated|complete)[\s\S]*Usable brain: \d+ %/,
    );
    const motion = quality.locator('[data-testid="chart-qc.motion"]');
    expect(await motion.locator('polyline').count()).toBe(2);
    const leftOut = view.charts.find((c: { key: string }) => c.key === 'qc.motion').series[0].marked.length;
    expect(await motion.locator('path.marked').count()).toBe(2 * leftOut);
    expect(await motion.innerText()).toContain(`${leftOut} of ${TIMES.length} images left out`);
    expect(await page.locator('[data-testid=finding-qc\\.usableBrainFraction] .value').innerText()).toMatch(/^\d+ %$/);
    expect(await page.locator('[data-testid=finding-qc\\.bolusTruncated] .value').innerText()).toMatch(/^(yes|no)$/);

    // scrolling with the wheel changes the slice and what is drawn
    const before = await page.evaluate(() => window.nidusViewer.canvas.toDataURL());
    const box = (await page.locator('[data-testid=viewport]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, z > 0 ? -100 : 100);
    const scrolled = await waitForViewer(page, z > 0 ? z - 1 : z + 1);
    expect(await page.locator('[data-testid=slice-counter]').innerText()).toBe(`slice ${scrolled.index + 1} / ${SLICES}`);
    expect(await page.evaluate(() => window.nidusViewer.canvas.toDataURL())).not.toBe(before);

    // review: accept one number with a comment, reject another; both persist after a reload
    await page.fill('[data-testid=comment-coreVolumeMl]', 'core matches the images');
    await page.click('[data-testid=accept-coreVolumeMl]');
    await page.locator('[data-testid=finding-coreVolumeMl] [data-testid=review]').waitFor();
    await page.click('[data-testid=reject-mismatchVolumeMl]');
    await page.locator('[data-testid=finding-mismatchVolumeMl] [data-testid=review]').waitFor();
    await page.reload();
    await waitForViewer(page);
    const accepted = await page.locator('[data-testid=finding-coreVolumeMl] [data-testid=review]').innerText();
    expect(accepted).toMatch(/^accepted by e2e radiologist at .*core matches the images/);
    expect(await page.locator('[data-testid=finding-mismatchVolumeMl] [data-testid=review]').innerText()).toMatch(/^rejected by e2e radiologist/);
    await page.screenshot({ path: join(shots, '4-study-reviewed.png'), fullPage: true });
    const reviews = (await api(`/api/review/studies/${series.StudyInstanceUID}`)).reviews;
    expect(reviews.map((r: any) => [r.findingKey, r.decision, r.reviewerName, r.current])).toEqual([
      ['coreVolumeMl', 'accepted', 'e2e radiologist', true],
      ['mismatchVolumeMl', 'rejected', 'e2e radiologist', true],
    ]);
    // the analysis itself is unchanged
    expect((await api(`/api/review/studies/${series.StudyInstanceUID}`)).analyses[0].view).toEqual(study.analyses[0].view);

    // model monitoring sees them
    const feedback = await api('/api/models/ctp/feedback');
    expect(feedback.versions).toEqual([expect.objectContaining({ accepted: 1, rejected: 1, corrected: 0, decisions: 2, acceptanceRate: 0.5 })]);
    await page.goto(`${nidus.url}/models`);
    await page.locator('[data-testid=feedback]').waitFor();
    expect(await page.locator('[data-testid=feedback]').innerText()).toMatch(/ctp[\s\S]*2\s+1\s+1\s+0\s+50 %/);
    // and the worklist says reviewed
    await page.goto(`${nidus.url}/worklist`);
    await row.waitFor();
    expect(await row.locator('[data-testid=reviewed]').innerText()).toBe('reviewed');

    // the alert: its study link opens the study view; its alert view (a phone) acknowledges as the stroke user
    const paged = await receiver.waitForCall('/resident', 1, 30_000);
    expect(paged.json.links.study).toBe(`${nidus.url}/studies/${series.StudyInstanceUID}`);
    expect((await fetch(paged.json.links.study)).status).toBe(200);
    const stroke = await nidus.token('stroke');
    await page.evaluate((token) => localStorage.setItem('nidus.apiToken', token), stroke);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(paged.json.links.alert).toBe(`${nidus.url}/alerts/${paged.json.id}`);
    await page.goto(paged.json.links.alert);
    await page.locator('[data-testid=acknowledge]').waitFor();
    expect(await page.locator('[data-testid=alert-summary]').innerText()).toMatch(/Tmax>6s \d+(\.\d)? mL/);
    expect(await page.locator('[data-testid=alert-numbers]').innerText()).toMatch(/Core \(rCBF < 30%\)\s+\d+(\.\d)? mL/);
    await page.locator('[data-testid=key-image]').waitFor();
    expect(await page.evaluate(() => (document.querySelector('[data-testid=key-image]') as HTMLImageElement).complete)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390); // fits the phone
    await page.screenshot({ path: join(shots, '5-alert.png'), fullPage: true });
    await page.click('[data-testid=acknowledge]');
    await page.locator('[data-testid=alert-state]', { hasText: 'Acknowledged by e2e stroke' }).waitFor();
    await page.screenshot({ path: join(shots, '6-alert-acknowledged.png'), fullPage: true });
    const alert = await api(`/api/alerts/${paged.json.id}`, stroke);
    expect([alert.state, alert.acknowledgedBy]).toEqual(['acknowledged', 'e2e stroke']);

    // a result stored before quality control existed (no qc, no quality): the study view still draws, without QC
    const db = new Database(join(dir, 'data', 'nidus.sqlite'), { fileMustExist: true, timeout: 5000 });
    try {
      db.prepare(`UPDATE analysis SET result = json_remove(result, '$.qc', '$.quality') WHERE id = ?`).run(study.analyses[0].id);
    } finally {
      db.close();
    }
    const legacy = (await api(`/api/review/studies/${series.StudyInstanceUID}`)).analyses[0].view;
    expect([legacy.quality, legacy.charts]).toEqual([undefined, undefined]);
    await page.evaluate((token) => localStorage.setItem('nidus.apiToken', token), radiologist);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${nidus.url}/studies/${series.StudyInstanceUID}`);
    await waitForViewer(page);
    await page.locator('[data-testid=finding-coreVolumeMl]').waitFor();
    expect(await page.locator('[data-testid=quality]').count()).toBe(0);
    expect(await page.locator('[data-testid=map-select] option').count()).toBe(6);
    await page.screenshot({ path: join(shots, '7-study-without-qc.png') });
    expect(errors).toEqual([]);
  }, 180_000);

  it('plots the motion of a head that jerked, the two images left out marked, beside the curves and the confidence', async () => {
    // the head jumps 12 mm and turns 2 degrees for two images (20 s and 22 s): beyond the 10 mm limit, left out
    const phantom = generateMovingHeadPhantom({
      seed: 9211,
      columns: 96,
      slices: 4,
      timesSeconds: uniformSamplingTimes(30, 2),
      noiseHu: 7,
      lesion: { side: 'right' },
      motion: { startSeconds: 20, rampSeconds: 0, shiftMm: [12, 3], rotationDegrees: 2, endSeconds: 24 },
    });
    const series = writePhantomSeries(phantom.volume, join(dir, 'moving'), { PatientName: 'Moving^Phantom', PatientID: 'REVIEW-2' });
    await storescu({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: series.paths });
    const radiologist = await nidus.token('radiologist');
    const study = await waitUntil(
      'the analysis of the moving head',
      async () => {
        const r = await fetch(`${nidus.url}/api/review/studies/${series.StudyInstanceUID}`, { headers: { Authorization: `Bearer ${radiologist}` } });
        const s = r.ok ? ((await r.json()) as any) : undefined;
        return s?.analyses?.[0]?.status === 'succeeded' ? s : undefined;
      },
      90_000,
      250,
    );
    const view = study.analyses[0].view;
    const motionChart = view.charts.find((c: { key: string }) => c.key === 'qc.motion');
    const times = motionChart.series[0].points.map((p: number[]) => p[0]);
    expect(motionChart.series[0].marked.map((i: number) => times[i])).toEqual([20, 22]);

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${nidus.url}/worklist`);
    await page.evaluate((token) => localStorage.setItem('nidus.apiToken', token), radiologist);
    await page.goto(`${nidus.url}/studies/${series.StudyInstanceUID}`);
    await waitForViewer(page);
    const quality = page.locator('[data-testid=analysis-ctp] [data-testid=quality]');
    await quality.waitFor();
    const motion = quality.locator('[data-testid="chart-qc.motion"]');
    expect(await motion.locator('polyline').evaluateAll((lines) => lines.map((l) => l.getAttribute('data-series')))).toEqual(['shift (mm)', 'turn (degrees)']);
    // a cross on each line at each image left out, titled with its time
    const crosses = await motion.locator('path.marked title').allTextContents();
    expect(crosses).toEqual([
      'shift (mm) at 20 s: left out',
      'shift (mm) at 22 s: left out',
      'turn (degrees) at 20 s: left out',
      'turn (degrees) at 22 s: left out',
    ]);
    expect(await motion.innerText()).toMatch(/largest shift \d+(\.\d)? mm, turn \d+(\.\d)? degrees[\s\S]*2 of 30 images left out/);
    expect(await quality.locator('[data-testid=quality-confidence]').innerText()).toBe(
      `Confidence ${view.quality.confidence}${view.quality.reasons.length ? `: ${view.quality.reasons.join('; ')}` : ''}`,
    );
    expect(await page.locator('[data-testid=summary]').innerText()).toBe(view.summary);
    await page.screenshot({ path: join(shots, '8-study-moving-head-qc.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 150_000);
});
