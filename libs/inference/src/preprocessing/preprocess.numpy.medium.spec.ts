import { numpyReference, SeededRandom } from '@nidus/testing';
import { preprocessingStepSchema } from '../manifest/preprocessing-step.schema';
import { mapToSource } from '../postprocessing/source-mapping';
import { sourceFixture } from '../test/model-source.fixture';
import type { Grid } from './grid';
import { applyStep, sourceGrid } from './preprocess';

// Each geometric and intensity step against a reference written here in numpy, on random arrays of several
// sizes: interpolation as a sum over the 2^n corners of each output point (not separable passes) at the
// coordinates each rule defines, area by explicit box means, crops and pads by numpy slicing and np.pad,
// intensities by vectorised formulas.

const REFERENCE = `
import itertools
def coords(n, m, rule, s=None, t=None):
    i = np.arange(m, dtype=np.float64)
    if rule == 'resize':
        return np.clip((i + 0.5) * n / m - 0.5, 0, n - 1)
    return np.clip(i * t / s, 0, n - 1)
def interp(a, axes):
    lo = [np.floor(c).astype(int) for c in axes]
    hi = [np.minimum(l + 1, n - 1) for l, n in zip(lo, a.shape)]
    fr = [c - l for c, l in zip(axes, lo)]
    out = np.zeros([len(c) for c in axes])
    for corner in itertools.product([0, 1], repeat=a.ndim):
        idx = [h if k else l for k, l, h in zip(corner, lo, hi)]
        weight = np.ones(out.shape)
        for axis, (k, f) in enumerate(zip(corner, fr)):
            shape = [1] * a.ndim
            shape[axis] = len(f)
            weight = weight * (f if k else 1 - f).reshape(shape)
        out += weight * a[np.ix_(*idx)]
    return out
def area(a, shape):
    out = a
    for axis, m in enumerate(shape):
        n = out.shape[axis]
        parts = []
        for i in range(m):
            s = (i * n) // m
            e = max(s + 1, -(-((i + 1) * n) // m))
            parts.append(np.take(out, range(s, e), axis=axis).mean(axis=axis, keepdims=True))
        out = np.concatenate(parts, axis=axis)
    return out
def nearest(a, shape):
    idx = [np.minimum(np.floor(np.arange(m) * n / m).astype(int), n - 1) for n, m in zip(a.shape, shape)]
    return a[np.ix_(*idx)]
def crop_or_pad(a, shape, value):
    out = a
    for axis, m in enumerate(shape):
        n = out.shape[axis]
        if m < n:
            s = n // 2 - m // 2
            out = np.take(out, range(s, s + m), axis=axis)
        elif m > n:
            before = (m - n) // 2
            pad = [(0, 0)] * out.ndim
            pad[axis] = (before, m - n - before)
            out = np.pad(out, pad, constant_values=value)
    return out
results = []
for case in data['cases']:
    a = np.array(case['values'], dtype=np.float64).reshape(case['dims'])
    kind = case['kind']
    if kind == 'resize-linear':
        out = interp(a, [coords(n, m, 'resize') for n, m in zip(a.shape, case['shape'])])
    elif kind == 'resize-area':
        out = area(a, case['shape'])
    elif kind == 'resize-nearest':
        out = nearest(a, case['shape'])
    elif kind == 'resample':
        shape = [int(round((n - 1) * s / t)) + 1 for n, s, t in zip(a.shape, case['from'], case['to'])]
        out = interp(a, [coords(n, m, 'resample', s, t) for n, m, s, t in zip(a.shape, shape, case['from'], case['to'])])
    elif kind == 'crop-or-pad':
        out = crop_or_pad(a, case['shape'], case['value'])
    elif kind == 'window':
        c, w = case['center'], case['width']
        out = np.where(a <= c - 0.5 - (w - 1) / 2, 0.0, np.where(a > c - 0.5 + (w - 1) / 2, 1.0, (a - (c - 0.5)) / (w - 1) + 0.5))
    elif kind == 'scale':
        out = np.clip((a - case['a']) / (case['b'] - case['a']), 0, 1)
    elif kind == 'zscore':
        fg = a[a > case['above']]
        out = (a - fg.mean()) / fg.std()
    elif kind == 'inverse':
        # source voxel j -> grid coordinate scale * j + offset; outside half a voxel of the grid -> fill
        axes, valid = [], []
        for n, m, sc, off in zip(a.shape, case['source'], case['scale'], case['offset']):
            c = sc * np.arange(m) + off
            valid.append((c >= -0.5 - 1e-6) & (c <= n - 0.5 + 1e-6))
            axes.append(np.clip(c, 0, n - 1))
        out = interp(a, axes)
        inside = np.ix_(*valid)
        mask = np.zeros(out.shape, dtype=bool)
        mask[inside] = True
        out = np.where(mask, out, case['fill'])
    results.append({'values': out.ravel().tolist(), 'dims': list(out.shape)})
result = results
`;

interface Case {
  kind: string;
  values: Float32Array;
  dims: number[];
  [key: string]: unknown;
}

const random = new SeededRandom(20240611);
const randomArray = (n: number, low = -1000, high = 3000) => Float32Array.from({ length: n }, () => random.uniform(low, high));

function grid3(values: Float32Array, dims: [number, number, number], spacing?: [number, number, number]): Grid {
  const source = sourceFixture({
    stored: values,
    rows: dims[1],
    columns: dims[2],
    slices: dims[0],
    spacingMm: spacing ? [spacing[2], spacing[1], spacing[0]] : undefined,
  });
  return sourceGrid(source, 0, dims[0]);
}

function ours(c: Case): { values: number[]; dims: number[] } {
  const dims = (c.dims.length === 2 ? [1, ...c.dims] : c.dims) as [number, number, number];
  const spacing = c.from ? ((c.dims.length === 2 ? [1, ...(c.from as number[])] : c.from) as [number, number, number]) : undefined;
  const g = grid3(c.values, dims, spacing);
  const source = sourceFixture({ stored: c.values, rows: dims[1], columns: dims[2], slices: dims[0] });
  const apply = (json: object) => applyStep(g, preprocessingStepSchema.parse(json), { modelId: 'numpy', source });
  let out: Grid;
  switch (c.kind) {
    case 'resize-linear':
    case 'resize-area':
    case 'resize-nearest':
      out = apply({ op: 'resize', shape: c.shape, interpolation: c.kind.slice('resize-'.length) });
      break;
    case 'resample':
      out = apply({ op: 'resample', spacingMm: c.to });
      break;
    case 'crop-or-pad':
      out = apply({ op: 'cropOrPad', shape: c.shape, padValue: c.value });
      break;
    case 'window':
      out = apply({ op: 'window', center: c.center, width: c.width });
      break;
    case 'scale':
      out = apply({ op: 'scaleIntensity', from: [c.a, c.b], to: [0, 1] });
      break;
    case 'zscore':
      out = apply({ op: 'normalize', mode: 'zscore', foregroundAbove: c.above });
      break;
    case 'inverse': {
      const maps = (c.scale as number[]).map((scale, k) => ({ source: k as 0 | 1 | 2, scale, offset: (c.offset as number[])[k] })) as Grid['maps'];
      const data = mapToSource(c.values, dims, maps, c.source as [number, number, number], 'linear', c.fill as number);
      return { values: Array.from(data), dims: c.source as number[] };
    }
    default:
      throw new Error(c.kind);
  }
  return { values: Array.from(out.data), dims: c.dims.length === 2 ? out.dims.slice(1) : out.dims };
}

describe(applyStep.name + ' against numpy', () => {
  const cases: Case[] = [];
  for (const [dims, shape] of [
    [
      [37, 53],
      [16, 24],
    ],
    [
      [7, 5],
      [13, 11],
    ],
    [
      [64, 64],
      [64, 31],
    ],
    [
      [5, 9, 7],
      [8, 4, 6],
    ],
  ] as [number[], number[]][]) {
    const values = randomArray(dims.reduce((a, b) => a * b, 1));
    for (const kind of ['resize-linear', 'resize-area', 'resize-nearest']) cases.push({ kind, values, dims, shape });
  }
  cases.push({ kind: 'resample', values: randomArray(6 * 11 * 13), dims: [6, 11, 13], from: [5, 0.9, 0.8], to: [2, 2, 1.5] });
  cases.push({ kind: 'resample', values: randomArray(20 * 30), dims: [20, 30], from: [0.7, 0.43], to: [1, 1] });
  cases.push({ kind: 'crop-or-pad', values: randomArray(6 * 9 * 4), dims: [6, 9, 4], shape: [3, 12, 5], value: -5 });
  cases.push({ kind: 'crop-or-pad', values: randomArray(7 * 8), dims: [7, 8], shape: [10, 3], value: 0 });
  const intensities = randomArray(2000, -1200, 2000);
  cases.push({ kind: 'window', values: intensities, dims: [40, 50], center: 40, width: 80 });
  cases.push({ kind: 'window', values: intensities, dims: [40, 50], center: -600, width: 1500 });
  cases.push({ kind: 'scale', values: intensities, dims: [40, 50], a: -57, b: 164 });
  cases.push({ kind: 'zscore', values: intensities, dims: [40, 50], above: 0 });
  cases.push({
    kind: 'inverse',
    values: randomArray(4 * 8 * 8, 0, 1),
    dims: [4, 8, 8],
    source: [9, 20, 16],
    scale: [0.4, 0.5, -0.5],
    offset: [0.1, -1.2, 7.8],
    fill: 0,
  });
  cases.push({
    kind: 'inverse',
    values: randomArray(1 * 16 * 16, 0, 1),
    dims: [1, 16, 16],
    source: [1, 40, 31],
    scale: [1, 0.4, 0.5],
    offset: [0, -0.3, -0.25],
    fill: -1,
  });

  const reference = numpyReference<{ values: number[]; dims: number[] }[]>(REFERENCE, { cases });

  it.each(cases.map((c, i) => [`${c.kind} ${c.dims.join('x')}${c.shape ? ' -> ' + (c.shape as number[]).join('x') : ''}`, i] as const))('%s', (_, i) => {
    const got = ours(cases[i]);
    const want = reference[i];
    expect(got.dims).toEqual(want.dims);
    let worst = 0;
    for (let v = 0; v < want.values.length; v++) worst = Math.max(worst, Math.abs(got.values[v] - want.values[v]) / Math.max(1, Math.abs(want.values[v])));
    expect(worst).toBeLessThan(2e-5);
  });
});
