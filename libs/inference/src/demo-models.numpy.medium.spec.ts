import { resolve } from 'node:path';
import { readPart10, writePart10, type DicomElements } from '@nidus/dicom';
import { CT_BONE, CT_BONE_RADIUS, CT_HIGH, CT_LOW, CT_SLOPE } from '../../../scripts/demo-models/demo-ct-hyperdensity.model';
import { CXR_GAIN, CXR_SCALES, CXR_SECTORS, CXR_THRESHOLD } from '../../../scripts/demo-models/demo-cxr-opacity.model';
import { MR_SLOPE, MR_Z } from '../../../scripts/demo-models/demo-mr-lesion.model';
import { syntheticBrainMr, syntheticHeadCt, syntheticRadiograph, numpyReference } from '@nidus/testing';
import { isFindingsManifest, type FindingsManifest } from './model-manifest';
import { ModelRegistry } from './model-registry';
import { OnnxSessionRepository } from './onnx-session.repository';
import { inputBatches } from './preprocessing/input-tensor';
import { readModelSource } from './preprocessing/model-source';
import { preprocess } from './preprocessing/preprocess';

// Each demonstration graph against numpy code written from its documented description (not from the graph),
// on the tensor its declared preprocessing makes from a synthetic image: the numbers are those the
// description and the preprocessing imply.

const REFERENCE = `
def shifted_sum(a, offsets):
    h, w = a.shape[-2], a.shape[-1]
    p = data['pad']
    out = np.zeros(a.shape[:-2] + (h - 2 * p, w - 2 * p))
    for dy, dx in offsets:
        out += a[..., p + dy:h - p + dy, p + dx:w - p + dx]
    return out
kind = data['kind']
x = np.array(data['tensor'], dtype=np.float64).reshape(data['dims'])
if kind == 'cxr':
    img = np.pad(x[0, 0], 15, mode='edge')
    scores = []
    for disc, inner, outer in data['scales']:
        ys, xs = np.mgrid[-15:16, -15:16]
        r = np.sqrt(ys ** 2 + xs ** 2)
        width = 2 * np.pi / data['sectors']
        sector = (np.floor(np.mod(np.arctan2(ys, xs) + width / 2, 2 * np.pi) / width).astype(int)) % data['sectors']
        data['pad'] = 15
        def mean_of(m):
            offs = list(zip(ys[m], xs[m]))
            return shifted_sum(img, offs) / len(offs)
        d = mean_of(r <= disc)
        ring = (r > inner) & (r <= outer)
        brightest = np.max([mean_of(ring & (sector == s)) for s in range(data['sectors'])], axis=0)
        scores.append(d - brightest)
    result = [float(data['gain'] * (np.max(scores) - data['threshold']))]
elif kind == 'ct':
    data['pad'] = 1
    img = np.pad(x[:, 0], ((0, 0), (1, 1), (1, 1)))
    s = shifted_sum(img, [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]) / 9
    band = np.minimum(s - data['low'], data['high'] - s)
    bone = (x[:, 0] > data['bone']).astype(np.float64)
    k = data['radius']
    data['pad'] = k
    padded = np.pad(bone, ((0, 0), (k, k), (k, k)))
    near = np.zeros_like(bone)
    for dy in range(-k, k + 1):
        for dx in range(-k, k + 1):
            near = np.maximum(near, padded[:, k + dy:padded.shape[1] - k + dy, k + dx:padded.shape[2] - k + dx])
    lesion = data['slope'] * (band - near)
    result = np.stack([0 * lesion, lesion], axis=1).ravel().tolist()
else:
    v = np.pad(x[0, 0], 1)
    w = [0.25, 0.5, 0.25]
    s = np.zeros(x.shape[2:])
    D, H, W = s.shape
    for a in range(3):
        for b in range(3):
            for c in range(3):
                s += w[a] * w[b] * w[c] * v[a:a + D, b:b + H, c:c + W]
    result = (data['slope'] * (s - data['z'])).ravel().tolist()
`;

const MODELS = resolve(__dirname, '../../../models');

describe('demo model graphs against numpy', () => {
  const registry = new ModelRegistry(MODELS);
  const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
  afterAll(() => sessions.release());

  async function compare(id: string, images: DicomElements[], parameters: Record<string, unknown>, tolerance: number) {
    const manifest = registry.get(id).manifest as FindingsManifest;
    expect(isFindingsManifest(manifest)).toBe(true);
    const source = await readModelSource(
      id,
      images.map((e) => readPart10(writePart10(e))),
      manifest.consumes,
    );
    const [batch] = inputBatches(manifest, preprocess(manifest, source));
    const expected = numpyReference<number[]>(REFERENCE, { kind: parameters.kind, tensor: batch.data, dims: batch.dims, ...parameters });
    const outputs = await sessions.run(id, registry.load(id).bytes, { [batch.name]: { type: 'float32', data: batch.data, dims: batch.dims } });
    const got = Array.from(outputs[manifest.output.tensor.name].data as Float32Array);
    expect(got).toHaveLength(expected.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
    expect(worst).toBeLessThan(tolerance);
    return got;
  }

  it('demo-cxr-opacity: logit = GAIN x (largest disc mean - brightest ring sector - THRESHOLD)', async () => {
    const p = { kind: 'cxr', scales: CXR_SCALES, sectors: CXR_SECTORS, gain: CXR_GAIN, threshold: CXR_THRESHOLD };
    const positive = await compare(
      'demo-cxr-opacity',
      [syntheticRadiograph({ rows: 600, columns: 500, opacity: { x: 150, y: 250, radiusPx: 22, contrast: 0.2 }, seed: 3 }).elements],
      p,
      1e-3,
    );
    const negative = await compare(
      'demo-cxr-opacity',
      [syntheticRadiograph({ rows: 600, columns: 500, seed: 3, PhotometricInterpretation: 'MONOCHROME1' }).elements],
      p,
      1e-3,
    );
    expect(positive[0]).toBeGreaterThan(0);
    expect(negative[0]).toBeLessThan(0);
  });

  it('demo-ct-hyperdensity: logits = [0, SLOPE x (min(s - LOW, HIGH - s) - near bone)]', async () => {
    const ct = syntheticHeadCt({ rows: 256, columns: 256, slices: 6, pixelSpacingMm: 0.9, blob: { centreMm: [15, 10, 0], radiiMm: [12, 10, 9] }, seed: 9 });
    const logits = await compare(
      'demo-ct-hyperdensity',
      ct.images,
      { kind: 'ct', low: CT_LOW, high: CT_HIGH, bone: CT_BONE, radius: CT_BONE_RADIUS, slope: CT_SLOPE },
      1e-3,
    );
    expect(logits.some((v) => v > 0)).toBe(true);
  });

  it('demo-mr-lesion: logit = SLOPE x (binomial-smoothed z-score - Z)', async () => {
    const mr = syntheticBrainMr({
      rows: 128,
      columns: 128,
      pixelSpacingMm: 1.8,
      slices: 20,
      sliceSpacingMm: 5,
      lesion: { centreMm: [20, 5, 10], radiiMm: [10, 9, 9] },
      seed: 6,
    });
    const logits = await compare('demo-mr-lesion', mr.images, { kind: 'mr', slope: MR_SLOPE, z: MR_Z }, 1e-3);
    expect(logits.some((v) => v > 0)).toBe(true);
  });
});
