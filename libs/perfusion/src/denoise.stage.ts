import { inPlanePixelMm, type GridGeometry } from './analysis-grid';
import type { DenoiseOptions } from './perfusion-options';
import { projectOnSignalSubspace } from './temporal-subspace';
import { baselineNoise, tipsSliceFilter, type TipsSliceFilter } from './tips-filter';

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
  const last = denoisePasses(concentration, timePoints, geometry, mask, frames, noiseHu, options);
  last.filter.run(0, geometry.slices);
  return { curves: last.filter.out, noiseHu: last.noiseHu };
}

/**
 * denoiseCurves with the last pass run slice by slice: after each slice, `onSlices(done, curves)` is told
 * that slices [0, done) of `curves` are final, and the event loop gets a turn, so that work handed
 * elsewhere (the deconvolution on onnxruntime's threads) goes on while the next slice is filtered.
 */
export async function denoiseCurvesBySlice(
  concentration: Float32Array,
  timePoints: number,
  geometry: GridGeometry,
  mask: Uint8Array,
  frames: BolusFrames,
  noiseHu: number,
  options: DenoiseOptions,
  onSlices: (done: number, curves: Float32Array) => void,
): Promise<DenoisedCurves> {
  const last = denoisePasses(concentration, timePoints, geometry, mask, frames, noiseHu, options);
  for (let z = 0; z < geometry.slices; z++) {
    last.filter.run(z, z + 1);
    onSlices(z + 1, last.filter.out);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { curves: last.filter.out, noiseHu: last.noiseHu };
}

/** Everything before the last TIPS pass, and that pass set up but not run. */
function denoisePasses(
  concentration: Float32Array,
  T: number,
  geometry: GridGeometry,
  mask: Uint8Array,
  frames: BolusFrames,
  noiseHu: number,
  options: DenoiseOptions,
): { filter: TipsSliceFilter; noiseHu: number } {
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
  const first = tipsSliceFilter(source, T, mask, {
    ...tipsGeometry,
    noiseHu: noise,
    spatialSigmaMm: options.sigmaMm,
    rangeScale: options.rangeScale,
    smoothProfiles: options.smoothProfiles,
  });
  if (!options.guidedPass) return { filter: first, noiseHu: noise };
  first.run(0, geometry.slices);
  const guideNoise = baselineNoise(first.out, T, mask, frames.baselineFrames);
  const guided = tipsSliceFilter(source, T, mask, {
    ...tipsGeometry,
    noiseHu: noise,
    spatialSigmaMm: options.guidedSigmaMm,
    rangeScale: options.guidedRangeScale,
    guide: { curves: first.out, noiseHu: Number.isFinite(guideNoise) ? guideNoise : noise / 2 },
  });
  return { filter: guided, noiseHu: noise };
}
