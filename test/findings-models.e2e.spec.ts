import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10, writePart10, type DicomElements } from '@nidus/dicom';
import {
  CR_IMAGE_STORAGE,
  dciodvfy,
  diceCoefficient,
  dsrdump,
  DX_FOR_PRESENTATION,
  DX_FOR_PROCESSING,
  flushRedisDatabase,
  NidusServer,
  PLANES,
  readSegmentation,
  redisUrlForDatabase,
  startNidus,
  startStorescp,
  StorescpHandle,
  storescu,
  syntheticBrainMr,
  syntheticHeadCt,
  syntheticRadiograph,
  waitUntil,
  WebhookReceiver,
  writeNidusConfig,
} from '@nidus/testing';
import { badModel } from '../libs/inference/src/test/bad-models.fixture';
import { encodeModel, FLOAT, floatTensor, intAttribute, intsAttribute, node, valueInfo } from '../scripts/onnx-graph';

// Done-when of issue 11, through `nidus serve`: three models that neither the repository nor its other tests have
// seen, made here with manifests written from docs/models.md alone, run on a chest X-ray (CR MONOCHROME1, DX for
// presentation and for processing MONOCHROME2), head CT series and an MR series sent by storescu; their numbers are
// what the declared preprocessing implies (computed here, independently), their SEG lines up with the phantoms'
// truth, SR and SEG pass dciodvfy, and a rule on a model's result pages a team while the negative case pages nobody.

const REDIS_DB = 9; // this file's own Redis database: `nidus serve` uses the default queue prefix
const SECRET = 'e2e-findings-secret-0123456789abcdef';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function writeModel(models: string, manifest: Record<string, unknown>, bytes: Uint8Array): void {
  const dir = join(models, String(manifest.id));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...manifest, sha256: sha256(bytes) }, null, 2));
}

/** Radiograph brightness: the mean of the input tensor as the logit. */
function cxrModel(models: string): void {
  const bytes = encodeModel(
    {
      name: 'mean_brightness',
      node: [node('ReduceMean', ['radiograph'], ['score'], [intsAttribute('axes', [2, 3]), intAttribute('keepdims', 0)])],
      input: [valueInfo('radiograph', FLOAT, [1, 1, 160, 128])],
      output: [valueInfo('score', FLOAT, [1, 1])],
    },
    { producerVersion: '0', docString: 'e2e test model' },
  );
  writeModel(
    models,
    {
      id: 'e2e-cxr-brightness',
      version: '0.3.1',
      task: 'classification',
      description: 'Test model of the e2e suite: the mean normalised brightness of a radiograph as a logit.',
      intendedUse: 'Tests only; not for clinical use.',
      appliesTo: { Modality: ['DX', 'CR'] },
      consumes: 'image',
      input: { name: 'radiograph', layout: 'NCHW', dtype: 'float32', shape: [1, 1, 160, 128] },
      preprocessing: [
        { op: 'modalityLut' },
        { op: 'window', use: 'image', center: 2000, width: 4000, range: [0, 1] },
        { op: 'invertMonochrome1' },
        { op: 'resize', shape: [160, 128], interpolation: 'linear' },
        { op: 'normalize', mode: 'constant', mean: 0.5, std: 0.25 },
      ],
      output: {
        tensor: { name: 'score', dtype: 'float32', shape: [1, 1] },
        activation: 'sigmoid',
        threshold: 0.5,
        labels: [{ key: 'bright', code: { scheme: 'DCM', value: '112001', meaning: 'Opacity' } }],
      },
    },
    bytes,
  );
}

/** A band of intensities (after the declared scaling) as one sigmoid channel: lo < x < hi. */
function bandGraph(name: string, input: string, output: string, dims: (number | string)[], lo: number, hi: number): Uint8Array {
  return encodeModel(
    {
      name,
      node: [
        node('Sub', [input, 'lo'], ['above']),
        node('Sub', ['hi', input], ['below']),
        node('Min', ['above', 'below'], ['margin']),
        node('Mul', ['margin', 'gain'], [output]),
      ],
      initializer: [floatTensor('lo', [lo], []), floatTensor('hi', [hi], []), floatTensor('gain', [40], [])],
      input: [valueInfo(input, FLOAT, dims)],
      output: [valueInfo(output, FLOAT, dims)],
    },
    { producerVersion: '0', docString: 'e2e test model' },
  );
}

function ctModel(models: string): void {
  const dims = ['N', 1, 'H', 'W'];
  writeModel(
    models,
    {
      id: 'e2e-ct-band',
      version: '2',
      task: 'segmentation',
      description: 'Test model of the e2e suite: head CT voxels between 55 and 200 HU, slice by slice.',
      intendedUse: 'Tests only; not for clinical use.',
      appliesTo: { Modality: ['CT'], minSlices: 4 },
      consumes: 'slices',
      input: { name: 'ct', layout: 'NCHW', dtype: 'float32', shape: dims },
      preprocessing: [{ op: 'modalityLut' }, { op: 'scaleIntensity', from: [0, 100], to: [0, 1], clip: false }],
      output: {
        tensor: { name: 'bleed_logit', dtype: 'float32', shape: dims },
        activation: 'sigmoid',
        threshold: 0.5,
        classes: [
          {
            key: 'bleed',
            index: 0,
            code: { scheme: 'SCT', value: '50960005', meaning: 'Hemorrhage' },
            colour: [240, 40, 200],
            minComponentVoxels: 10,
            measurements: ['volumeMl', 'largestDiameterMm'],
          },
        ],
      },
      runtime: { batchSize: 6, timeLimitSeconds: 30 },
    },
    bandGraph('hu_band', 'ct', 'bleed_logit', dims, 0.55, 2),
  );
}

function mrModel(models: string): void {
  const dims = [1, 1, 'D', 'H', 'W'];
  writeModel(
    models,
    {
      id: 'e2e-mr-spot',
      version: '1.0',
      task: 'segmentation',
      description: 'Test model of the e2e suite: MR voxels above 0.65 of a 0-1000 scale, on the whole volume.',
      intendedUse: 'Tests only; not for clinical use.',
      appliesTo: { Modality: ['MR'], minSlices: 8 },
      consumes: 'volume',
      input: { name: 'mr', layout: 'NCDHW', dtype: 'float32', shape: dims },
      preprocessing: [{ op: 'modalityLut' }, { op: 'scaleIntensity', from: [0, 1000], to: [0, 1] }],
      output: {
        tensor: { name: 'spot', dtype: 'float32', shape: dims },
        activation: 'sigmoid',
        classes: [
          {
            key: 'spot',
            index: 0,
            code: { scheme: 'SCT', value: '52988006', meaning: 'Lesion' },
            colour: [255, 160, 0],
            minComponentVoxels: 10,
            measurements: ['volumeMl'],
          },
        ],
      },
    },
    bandGraph('mr_band', 'mr', 'spot', dims, 0.65, 1e6),
  );
}

/** A model that answers NaN, routed to MR beside e2e-mr-spot: it fails with its reason, and the other runs. */
function nanModel(models: string): void {
  writeModel(
    models,
    {
      id: 'e2e-mr-nan',
      version: '1',
      task: 'classification',
      description: 'Test model of the e2e suite: answers NaN.',
      intendedUse: 'Tests only; not for clinical use.',
      appliesTo: { Modality: ['MR'] },
      consumes: 'slices',
      input: { name: 'image', layout: 'NCHW', dtype: 'float32', shape: [1, 1, 'H', 'W'] },
      preprocessing: [{ op: 'modalityLut' }],
      output: {
        tensor: { name: 'y', dtype: 'float32', shape: [1, 1] },
        activation: 'sigmoid',
        labels: [{ code: { scheme: 'DCM', value: '112001', meaning: 'Opacity' } }],
      },
    },
    badModel('nan'),
  );
}

const { round } = Math;

/** What e2e-cxr-brightness's declared preprocessing makes of a radiograph, computed here from docs/models.md. */
function expectedBrightness(elements: DicomElements): number {
  const stored = elements.PixelData as Uint16Array;
  const rows = Number(elements.Rows);
  const columns = Number(elements.Columns);
  const mono1 = elements.PhotometricInterpretation === 'MONOCHROME1';
  const [c, w] = [Number(elements.WindowCenter), Number(elements.WindowWidth)]; // the image's own window
  const display = new Float64Array(stored.length);
  for (let i = 0; i < stored.length; i++) {
    const x = stored[i] * Number(elements.RescaleSlope ?? 1) + Number(elements.RescaleIntercept ?? 0);
    const v = x <= c - 0.5 - (w - 1) / 2 ? 0 : x > c - 0.5 + (w - 1) / 2 ? 1 : (x - (c - 0.5)) / (w - 1) + 0.5;
    display[i] = mono1 ? 1 - v : v;
  }
  // linear resize to 160 x 128, half-pixel centres, coordinates clamped
  const at = (i: number, m: number, n: number) => Math.min(n - 1, Math.max(0, ((i + 0.5) * n) / m - 0.5));
  let sum = 0;
  for (let v = 0; v < 160; v++) {
    const y = at(v, 160, rows);
    const y0 = Math.floor(y);
    const y1 = Math.min(rows - 1, y0 + 1);
    for (let u = 0; u < 128; u++) {
      const x = at(u, 128, columns);
      const x0 = Math.floor(x);
      const x1 = Math.min(columns - 1, x0 + 1);
      const p = (yy: number, xx: number) => display[yy * columns + xx];
      const top = p(y0, x0) + (p(y0, x1) - p(y0, x0)) * (x - x0);
      const bottom = p(y1, x0) + (p(y1, x1) - p(y1, x0)) * (x - x0);
      sum += (top + (bottom - top) * (y - y0) - 0.5) / 0.25;
    }
  }
  return 1 / (1 + Math.exp(-sum / (160 * 128)));
}

/** The SR's numbers: each NUM content item's concept meaning and value (dsrdump's rendering). */
function srNumbers(bytes: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of dsrdump(bytes).stdout.matchAll(/NUM:\(,,"([^"]+)"\)="([^"]+)"/g)) out[m[1]] = Number(m[2]);
  return out;
}

describe('findings models through nidus serve', () => {
  let dir: string;
  let nidus: NidusServer;
  let pacs: StorescpHandle;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-findings-e2e-'));
    const models = join(dir, 'models');
    cxrModel(models);
    ctModel(models);
    mrModel(models);
    nanModel(models);
    await flushRedisDatabase(REDIS_DB);
    mkdirSync(join(dir, 'pacs'));
    pacs = await startStorescp(join(dir, 'pacs'), { accept: 'uncompressed' });
    receiver = await WebhookReceiver.start({ secret: SECRET });
    const config = writeNidusConfig(dir, {
      delivery: { targets: [{ id: 'pacs', type: 'c-store', host: '127.0.0.1', port: pacs.port, calledAETitle: pacs.aeTitle }] },
      alerts: {
        rules: [{ name: 'bleed-5ml', analysis: 'e2e-ct-band', level: 'critical', team: 'neuro', when: 'measurements.bleed.volumeMl >= 1' }],
        teams: [{ id: 'neuro', name: 'Neuro', onCall: [{ name: 'neuro-on-call', url: receiver.url('/neuro'), secret: SECRET }] }],
      },
    });
    // no routes: each model's appliesTo is its route
    nidus = await startNidus({
      DATA_DIR: join(dir, 'data'),
      MODELS_DIR: models,
      REDIS_URL: redisUrlForDatabase(REDIS_DB),
      NIDUS_CONFIG: config,
      STABLE_AFTER_SECONDS: '2',
      DISK_RESERVE_MB: '0',
    });
  }, 60_000);

  afterAll(async () => {
    await nidus?.stop();
    await pacs?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function analyses(StudyInstanceUID: string) {
    const res = await fetch(`${nidus.url}/api/studies/${StudyInstanceUID}`, { headers: { Authorization: `Bearer ${await nidus.token('viewer')}` } });
    if (res.status !== 200) return [];
    const study = (await res.json()) as { series: { analyses: { kind: string; status: string; error: string | null }[] }[] };
    return study.series.flatMap((s) => s.analyses);
  }
  const finished = (StudyInstanceUID: string) =>
    waitUntil(
      `the analysis of ${StudyInstanceUID}`,
      async () => {
        const list = await analyses(StudyInstanceUID);
        return list.length && list.every((a) => a.status === 'succeeded' || a.status === 'failed') ? list : undefined;
      },
      60_000,
    );
  /** The result objects the PACS received for a study, by SOP class. */
  function received(StudyInstanceUID: string) {
    return readdirSync(join(dir, 'pacs'))
      .map((f) => readFileSync(join(dir, 'pacs', f)))
      .filter((bytes) => readPart10(bytes).string('StudyInstanceUID') === StudyInstanceUID);
  }
  const ofClass = (objects: Buffer[], SOPClassUID: string) => objects.filter((b) => readPart10(b).string('SOPClassUID') === SOPClassUID);
  const SEG = '1.2.840.10008.5.1.4.1.1.66.4';
  const SR = '1.2.840.10008.5.1.4.1.1.88.34';
  const SC = '1.2.840.10008.5.1.4.1.1.7';
  async function send(images: DicomElements[], name: string) {
    const folder = join(dir, name);
    mkdirSync(folder);
    const files = images.map((e, i) => {
      const path = join(folder, `${i}.dcm`);
      writeFileSync(path, writePart10(e));
      return path;
    });
    await storescu({ port: nidus.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'MODALITY', files });
  }
  const deliveredFor = (StudyInstanceUID: string, count: number) =>
    waitUntil(
      `${count} result objects of ${StudyInstanceUID} in the PACS`,
      async () => (received(StudyInstanceUID).length >= count ? received(StudyInstanceUID) : undefined),
      60_000,
    );

  it('a chest X-ray, MONOCHROME1 and MONOCHROME2, CR and DX: the probability the declared preprocessing implies, in the SR and on the key image', async () => {
    const cases = [
      { PhotometricInterpretation: 'MONOCHROME1' as const, Modality: 'CR' as const, SOPClassUID: CR_IMAGE_STORAGE },
      { PhotometricInterpretation: 'MONOCHROME2' as const, Modality: 'DX' as const, SOPClassUID: DX_FOR_PRESENTATION },
      { PhotometricInterpretation: 'MONOCHROME2' as const, Modality: 'DX' as const, SOPClassUID: DX_FOR_PROCESSING },
    ].map((o) => syntheticRadiograph({ rows: 1200, columns: 1000, seed: 21, opacity: { x: 320, y: 500, radiusPx: 60, contrast: 0.2 }, ...o }));
    for (const [i, r] of cases.entries()) await send([r.elements], `cxr-${i}`);
    const probabilities: number[] = [];
    for (const r of cases) {
      const StudyInstanceUID = String(r.elements.StudyInstanceUID);
      expect(await finished(StudyInstanceUID)).toEqual(
        [{ kind: 'e2e-cxr-brightness', status: 'succeeded', error: null, ...{} }].map((a) => expect.objectContaining(a)),
      );
      const objects = await deliveredFor(StudyInstanceUID, 2);
      const [sr] = ofClass(objects, SR);
      expect(dciodvfy(sr).errors).toEqual([]);
      const p = srNumbers(sr)['Probability of finding'];
      expect(p).toBeCloseTo(expectedBrightness(r.elements), 4);
      probabilities.push(p);
      // and not what a MONOCHROME1 image would give without the declared inversion
      if (r.elements.PhotometricInterpretation === 'MONOCHROME1')
        expect(Math.abs(expectedBrightness({ ...r.elements, PhotometricInterpretation: 'MONOCHROME2' }) - p)).toBeGreaterThan(0.05);
      const [sc] = ofClass(objects, SC);
      expect(readPart10(sc).string('ImageComments')).toContain(`Opacity: ${p >= 0.5 ? 'present' : 'absent'}, probability ${p.toFixed(2)}`);
      expect(readPart10(sc).string('SeriesDescription')).toBe('E2E-CXR-BRIGHTNESS KEY IMAGE');
    }
    // the same picture stored either way gives the same number
    expect(probabilities[0]).toBeCloseTo(probabilities[1], 5);
    expect(probabilities[1]).toBeCloseTo(probabilities[2], 5);
  }, 120_000);

  it('a head CT series: SEG on the source slices with Dice >= 0.85 against the truth, the volume in the SR from those voxels; its rule pages the team, the negative CT pages nobody', async () => {
    const options = { rows: 128, columns: 128, slices: 12, pixelSpacingMm: 1.8, sliceSpacingMm: 5 };
    const positive = syntheticHeadCt({ ...options, seed: 31, blob: { centreMm: [20, 12, 2], radiiMm: [16, 12, 11], hu: 72 } });
    const negative = syntheticHeadCt({ ...options, seed: 32 });
    const uid = (ct: typeof positive) => String(ct.images[0].StudyInstanceUID);
    await send(positive.images, 'ct-positive');
    await send(negative.images, 'ct-negative');
    for (const ct of [positive, negative]) expect(await finished(uid(ct))).toEqual([expect.objectContaining({ kind: 'e2e-ct-band', status: 'succeeded' })]);

    const objects = await deliveredFor(uid(positive), 3);
    const [seg] = ofClass(objects, SEG);
    const [sr] = ofClass(objects, SR);
    expect(dciodvfy(seg).errors).toEqual([]);
    expect(dciodvfy(sr).errors).toEqual([]);
    const [bleed] = readSegmentation(seg, { rows: 128, columns: 128, ImagePositionPatient: positive.images.map((e) => e.ImagePositionPatient as number[]) });
    expect(diceCoefficient(bleed.mask, positive.truth)).toBeGreaterThanOrEqual(0.85);
    // the declared rule (55 < HU < 200), computed here on the stored values
    const band = new Uint8Array(positive.truth.length);
    positive.images.forEach((e, z) => {
      const stored = e.PixelData as Int16Array;
      for (let i = 0; i < stored.length; i++) {
        const hu = stored[i] + Number(e.RescaleIntercept);
        band[z * stored.length + i] = hu > 55 && hu < 200 ? 1 : 0;
      }
    });
    expect(diceCoefficient(bleed.mask, band)).toBeGreaterThanOrEqual(0.99);
    const voxels = bleed.mask.reduce((n, v) => n + v, 0);
    expect(srNumbers(sr).Volume).toBeCloseTo(round(((voxels * 1.8 * 1.8 * 5) / 1000) * 1e4) / 1e4, 4);

    const page = await receiver.waitForCall('/neuro', 1, 30_000);
    expect(page.signatureValid).toBe(true);
    expect(page.json).toMatchObject({ rules: ['bleed-5ml'], analysis: { kind: 'e2e-ct-band' }, study: { StudyInstanceUID: uid(positive) } });
    expect(page.json.image.mediaType).toBe('image/png');
    // the negative CT: succeeded, nothing found, nobody paged
    await deliveredFor(uid(negative), 3);
    expect(receiver.calls('/neuro').filter((c) => c.json.study.StudyInstanceUID === uid(negative))).toEqual([]);
    expect(receiver.calls('/neuro')).toHaveLength(1);
  }, 120_000);

  it('an MR series (coronal) as one volume: SEG back on the acquired slices, Dice >= 0.85, SR and SEG pass dciodvfy; a NaN model beside it fails with its reason', async () => {
    const mr = syntheticBrainMr({
      rows: 96,
      columns: 96,
      slices: 20,
      pixelSpacingMm: 2,
      sliceSpacingMm: 4,
      orientation: PLANES.coronal,
      noise: 10,
      seed: 41,
      lesion: { centreMm: [-18, 8, 10], radiiMm: [12, 10, 9] },
    });
    const StudyInstanceUID = String(mr.images[0].StudyInstanceUID);
    await send(mr.images, 'mr');
    const list = await finished(StudyInstanceUID);
    expect(list.find((a) => a.kind === 'e2e-mr-spot')).toMatchObject({ status: 'succeeded', error: null });
    // the NaN model beside it: failed with its typed reason in the API, nothing of it delivered
    expect(list.find((a) => a.kind === 'e2e-mr-nan')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^ModelOutputError\(not-finite\): model e2e-mr-nan returned an unusable output \(not-finite\)/),
    });
    const objects = await deliveredFor(StudyInstanceUID, 3);
    expect(objects).toHaveLength(3); // SEG, SR, key image of e2e-mr-spot; nothing of the failed one
    const [seg] = ofClass(objects, SEG);
    expect(dciodvfy(seg).errors).toEqual([]);
    expect(dciodvfy(ofClass(objects, SR)[0]).errors).toEqual([]);
    const [spot] = readSegmentation(seg, { rows: 96, columns: 96, ImagePositionPatient: mr.images.map((e) => e.ImagePositionPatient as number[]) });
    expect(diceCoefficient(spot.mask, mr.truth)).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});
