import { inPlanePixelMm, type GridGeometry } from './analysis-grid';
import type { DenoiseOptions } from './perfusion-options';
import { projectOnSignalSubspace } from './temporal-subspace';
import { baselineNoise, tipsFilter } from './tips-filter';

/** Noise assumed (HU) when the baseline is too short to measure it. */
export const FALLBACK_NOISE_HU = 10;

export interface DenoisedCurves {
  /** concentration curves after the TIPS passes, voxel-major */
  curves: Float32Array;
  /** noise of one sample of the curves TIPS was given (after any subspace projection), HU */
  noiseHu: number;
}

/** Which frames carry signal: [0, baselineFrames) is baseline, arrivalIndex the first frame with contrast. */
export interface BolusFrames {
  arrivalIndex: number;
  baselineFrames: number;
}

/**
 * Stage 4: spatial denoising within the brain mask by TIPS (Mendrik et al. 2011), optionally after a
 * temporal projection on the signal subspace; then a second, guided pass whose weights come from the first
 * pass's much less noisy profiles while the values averaged are still the input's (a joint bilateral filter).
 */
export function denoiseCurves(
  concentration: Float32Array,
  timePoints: number,
  geometry: GridGeometry,
  mask: Uint8Array,
  frames: BolusFrames,
  noiseHu: number,
  options: DenoiseOptions,
): DenoisedCurves {
  const T = timePoints;
  let noise = Number.isFinite(noiseHu) ? noiseHu : FALLBACK_NOISE_HU;
  let source = concentration;
  if (options.subspace) {
    const projected = projectOnSignalSubspace(concentration, T, mask, noise, { firstFrame: frames.arrivalIndex, minComponents: options.minComponents });
    source = projected.curves;
    noise = projected.residualNoiseHu;
  }
  const tipsGeometry = {
    columns: geometry.columns,
    rows: geometry.rows,
    slices: geometry.slices,
    pixelMm: inPlanePixelMm(geometry),
    firstFrame: frames.arrivalIndex,
  };
  let curves = tipsFilter(source, T, mask, {
    ...tipsGeometry,
    noiseHu: noise,
    spatialSigmaMm: options.sigmaMm,
    rangeScale: options.rangeScale,
    smoothProfiles: options.smoothProfiles,
  });
  if (options.guidedPass) {
    const guideNoise = baselineNoise(curves, T, mask, frames.baselineFrames);
    curves = tipsFilter(source, T, mask, {
      ...tipsGeometry,
      noiseHu: noise,
      spatialSigmaMm: options.guidedSigmaMm,
      rangeScale: options.guidedRangeScale,
      guide: { curves, noiseHu: Number.isFinite(guideNoise) ? guideNoise : noise / 2 },
    });
  }
  return { curves, noiseHu: noise };
}
