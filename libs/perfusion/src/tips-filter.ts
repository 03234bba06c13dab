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
  const filter = tipsSliceFilter(concentration, T, mask, options);
  filter.run(0, options.slices);
  return filter.out;
}

/** A TIPS filter set up once and run over slices [from, to) in turn (the filter is in-plane), writing into `out`. */
export interface TipsSliceFilter {
  out: Float32Array;
  run(from: number, to: number): void;
}

export function tipsSliceFilter(concentration: Float32Array, T: number, mask: Uint8Array, options: TipsOptions): TipsSliceFilter {
  const { columns: C, rows: R } = options;
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
  // The weight of a pair is symmetric (the spatial term depends on |dx|, |dy|; the profile distance on
  // the difference squared), so each pair of voxels is weighed once, from the half window ahead of the
  // centre, and adds to both voxels' sums.
  const count = radius * (2 * radius + 1) + radius;
  const aheadX = new Int32Array(count);
  const aheadY = new Int32Array(count);
  const aheadSpatial = new Float64Array(count);
  const aheadCutoff = new Float64Array(count);
  for (let dy = 0, n = 0; dy <= radius; dy++)
    for (let dx = dy === 0 ? 1 : -radius; dx <= radius; dx++, n++) {
      const spatial = Math.exp(-((dx * dx + dy * dy) * options.pixelMm ** 2) / (2 * sigma * sigma));
      aheadX[n] = dx;
      aheadY[n] = dy;
      aheadSpatial[n] = spatial;
      // a distance beyond which the weight is surely under 1e-4 (the exact test follows the distance)
      aheadCutoff[n] = (rangeScale * Math.log(spatial / 1e-4) + 1) * frames * 2 * profileNoiseVar * (1 + 1e-6) + 1e-9;
    }
  const plane = R * C;
  const acc = new Float64Array(plane * T);
  const wsum = new Float64Array(plane);
  const run = (from: number, to: number) => {
    for (let z = from; z < to; z++) {
      acc.fill(0);
      wsum.fill(0);
      const zOffset = z * plane;
      for (let y = 0; y < R; y++) {
        for (let x = 0; x < C; x++) {
          const p = y * C + x;
          const i = zOffset + p;
          if (!mask[i]) continue;
          const oi = i * T;
          const ai = p * T;
          // the voxel itself: distance 0, weight 1
          wsum[p] += 1;
          for (let t = 0; t < T; t++) acc[ai + t] += concentration[oi + t];
          for (let n = 0; n < count; n++) {
            const yy = y + aheadY[n];
            const xx = x + aheadX[n];
            if (yy >= R || xx < 0 || xx >= C) continue;
            const q = yy * C + xx;
            const j = zOffset + q;
            if (!mask[j]) continue;
            const oj = j * T;
            let d = 0;
            let t = first;
            const cutoff = aheadCutoff[n];
            for (; t < T && d <= cutoff; t++) {
              const diff = profiles[oi + t] - profiles[oj + t];
              d += diff * diff;
            }
            if (t < T) continue;
            // mean squared difference beyond what two noisy samples of one profile show (2 sigma^2)
            const excess = Math.max(0, d / frames / (2 * profileNoiseVar) - 1);
            const w = aheadSpatial[n] * Math.exp(-excess / rangeScale);
            if (w < 1e-4) continue;
            wsum[p] += w;
            wsum[q] += w;
            const aj = q * T;
            for (let t = 0; t < T; t++) {
              acc[ai + t] += w * concentration[oj + t];
              acc[aj + t] += w * concentration[oi + t];
            }
          }
        }
      }
      for (let p = 0; p < plane; p++) {
        if (!mask[zOffset + p]) continue;
        const o = (zOffset + p) * T;
        for (let t = 0; t < T; t++) out[o + t] = acc[p * T + t] / wsum[p];
      }
    }
  };
  return { out, run };
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
