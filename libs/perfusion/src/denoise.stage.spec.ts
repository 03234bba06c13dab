import { SeededRandom } from '@nidus/testing';
import type { GridGeometry } from './analysis-grid';
import { DEFAULT_PERFUSION_OPTIONS, type DenoiseOptions } from './perfusion-options';
import { denoiseCurves, FALLBACK_NOISE_HU } from './denoise.stage';
import { baselineNoise } from './tips-filter';

// 16 x 16 pixels of 2 mm, one slice, 20 frames; the brain mask leaves a 1-pixel border out.
const C = 16;
const T = 20;
const geometry: GridGeometry = { columns: C, rows: C, slices: 1, spacingMm: [2, 2, 5], voxelVolumeMl: 0.02 };
const frames = { arrivalIndex: 4, baselineFrames: 4 };
const mask = Uint8Array.from({ length: C * C }, (_, i) => (i % C > 0 && i % C < C - 1 && i >= C && i < C * (C - 1) ? 1 : 0));
const bolus = (peak: number) => Array.from({ length: T }, (_, t) => (t < 4 ? 0 : peak * Math.exp(-((t - 9) ** 2) / 8)));

/** Left half (x < 8) carries a bolus of 40 HU, right half one of 8 HU; plus seeded white noise. */
function curvesOf(noiseHu: number, seed = 5): Float32Array {
  const random = new SeededRandom(seed);
  const high = bolus(40);
  const low = bolus(8);
  const out = new Float32Array(C * C * T);
  for (let v = 0; v < C * C; v++) for (let t = 0; t < T; t++) out[v * T + t] = (v % C < 8 ? high : low)[t] + noiseHu * random.gaussian();
  return out;
}

const variants: [string, Partial<DenoiseOptions>][] = [
  ['defaults', {}],
  ['one pass', { guidedPass: false }],
  ['subspace first', { subspace: true }],
  ['smoothed profiles', { smoothProfiles: true }],
];

describe(denoiseCurves.name, () => {
  it.each(variants)('leaves noise-free curves as they are, and does not blur one tissue into the other (%s)', (_, extra) => {
    const input = curvesOf(0);
    const { curves } = denoiseCurves(input, T, geometry, mask, frames, 1, { ...DEFAULT_PERFUSION_OPTIONS.denoise, ...extra });
    for (let v = 0; v < C * C; v++) {
      if (!mask[v]) continue;
      for (let t = 0; t < T; t++) expect(Math.abs(curves[v * T + t] - input[v * T + t])).toBeLessThan(0.05);
    }
  });

  it.each(variants)('removes most of the noise within the mask (%s)', (_, extra) => {
    const input = curvesOf(6);
    const { curves } = denoiseCurves(input, T, geometry, mask, frames, 6, { ...DEFAULT_PERFUSION_OPTIONS.denoise, ...extra });
    expect(baselineNoise(input, T, mask, 4)).toBeGreaterThan(5);
    expect(baselineNoise(curves, T, mask, 4)).toBeLessThan(3);
  });

  it('touches nothing outside the brain mask', () => {
    const { curves } = denoiseCurves(curvesOf(6), T, geometry, mask, frames, 6, DEFAULT_PERFUSION_OPTIONS.denoise);
    for (let v = 0; v < C * C; v++) if (!mask[v]) for (let t = 0; t < T; t++) expect(curves[v * T + t]).toBe(0);
  });

  it('reports the noise of the curves TIPS was given: the measured one, 10 HU when unmeasured, less after the subspace projection', () => {
    const input = curvesOf(6);
    const d = DEFAULT_PERFUSION_OPTIONS.denoise;
    expect(denoiseCurves(input, T, geometry, mask, frames, 6, d).noiseHu).toBe(6);
    expect(denoiseCurves(input, T, geometry, mask, frames, NaN, d).noiseHu).toBe(FALLBACK_NOISE_HU);
    const projected = denoiseCurves(input, T, geometry, mask, frames, 6, { ...d, subspace: true }).noiseHu;
    // sigma sqrt(k / n) with k >= minComponents (6) of the n = 16 frames from arrival
    expect(projected).toBeGreaterThanOrEqual(6 * Math.sqrt(6 / 16) - 1e-12);
    expect(projected).toBeLessThan(6);
  });

  it('does not change its input', () => {
    const input = curvesOf(6);
    const copy = Float32Array.from(input);
    denoiseCurves(input, T, geometry, mask, frames, 6, { ...DEFAULT_PERFUSION_OPTIONS.denoise, subspace: true });
    expect(input).toEqual(copy);
  });
});
