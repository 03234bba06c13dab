/**
 * Edge-preserving spatial denoising of the concentration curves: a bilateral filter whose range term is
 * the similarity of the whole time-intensity profiles (TIPS, Mendrik et al., IEEE TMI 2011). Only voxels
 * of the brain mask take part, as centres and as neighbours, so nothing leaks across the brain's edge,
 * and vessels (left out of the mask) are never blurred into tissue. In-plane only: slices are thick.
 */
export interface TipsOptions {
  columns: number;
  rows: number;
  slices: number;
  pixelMm: number;
  /** spatial Gaussian sigma, mm */
  spatialSigmaMm?: number;
  /** noise standard deviation of one sample, HU */
  noiseHu: number;
  /** how many noise variances of profile difference halve... the range term's scale */
  rangeScale?: number;
  /** first time index compared in the profiles (the baseline carries no signal) */
  firstFrame?: number;
  /** smooth the profiles [1 2 1] / 4 in time before comparing them (default true; off for curves already denoised in time) */
  smoothProfiles?: boolean;
  /**
   * a less noisy image of the same curves (e.g. a first pass of this filter) whose profiles decide the
   * weights (a joint bilateral filter), with its own noise level; the values averaged are still the input's
   */
  guide?: { curves: Float32Array; noiseHu: number };
}

export function tipsFilter(concentration: Float32Array, T: number, mask: Uint8Array, options: TipsOptions): Float32Array {
  const { columns: C, rows: R, slices: S } = options;
  const sigma = options.spatialSigmaMm ?? 3;
  const radius = Math.max(1, Math.ceil((2 * sigma) / options.pixelMm));
  const first = options.firstFrame ?? 0;
  const frames = T - first;
  const noiseVar = Math.max(options.noiseHu, 1e-3) ** 2;
  const rangeScale = options.rangeScale ?? 1;
  const out = new Float32Array(concentration.length);
  // Profiles compared after a [1 2 1] / 4 smoothing in time: the signal is smooth, the noise is not, so the
  // distance separates tissues better; its noise variance is 6/16 of the raw one.
  const smooth = !options.guide && options.smoothProfiles !== false;
  const profiles = options.guide ? options.guide.curves : smooth ? new Float32Array(concentration.length) : concentration;
  for (let v = 0; smooth && v < mask.length; v++) {
    if (!mask[v]) continue;
    const o = v * T;
    for (let t = 0; t < T; t++) {
      profiles[o + t] = (concentration[o + Math.max(0, t - 1)] + 2 * concentration[o + t] + concentration[o + Math.min(T - 1, t + 1)]) / 4;
    }
  }
  const profileNoiseVar = options.guide ? Math.max(options.guide.noiseHu, 1e-3) ** 2 : smooth ? (noiseVar * 6) / 16 : noiseVar;
  const spatial: number[] = [];
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++) spatial.push(Math.exp(-((dx * dx + dy * dy) * options.pixelMm ** 2) / (2 * sigma * sigma)));
  const acc = new Float64Array(T);
  for (let z = 0; z < S; z++) {
    for (let y = 0; y < R; y++) {
      for (let x = 0; x < C; x++) {
        const i = (z * R + y) * C + x;
        if (!mask[i]) continue;
        acc.fill(0);
        let wsum = 0;
        const oi = i * T;
        let k = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          const yy = y + dy;
          for (let dx = -radius; dx <= radius; dx++, k++) {
            const xx = x + dx;
            if (yy < 0 || yy >= R || xx < 0 || xx >= C) continue;
            const j = (z * R + yy) * C + xx;
            if (!mask[j]) continue;
            const oj = j * T;
            let d = 0;
            for (let t = first; t < T; t++) {
              const diff = profiles[oi + t] - profiles[oj + t];
              d += diff * diff;
            }
            // mean squared difference beyond what two noisy samples of one profile show (2 sigma^2)
            const excess = Math.max(0, d / frames / (2 * profileNoiseVar) - 1);
            const w = spatial[k] * Math.exp(-excess / rangeScale);
            if (w < 1e-4) continue;
            wsum += w;
            for (let t = 0; t < T; t++) acc[t] += w * concentration[oj + t];
          }
        }
        for (let t = 0; t < T; t++) out[oi + t] = acc[t] / wsum;
      }
    }
  }
  return out;
}

/** Noise left in filtered curves, measured on the pre-contrast frames (pure noise before arrival). */
export function baselineNoise(curves: Float32Array, T: number, mask: Uint8Array, baselineFrames: number): number {
  if (baselineFrames < 2) return NaN;
  let sum = 0;
  let count = 0;
  for (let v = 0; v < mask.length; v++) {
    if (!mask[v]) continue;
    let mean = 0;
    for (let t = 0; t < baselineFrames; t++) mean += curves[v * T + t] / baselineFrames;
    for (let t = 0; t < baselineFrames; t++) sum += (curves[v * T + t] - mean) ** 2;
    count += baselineFrames - 1;
  }
  return count > 0 ? Math.sqrt(sum / count) : NaN;
}
