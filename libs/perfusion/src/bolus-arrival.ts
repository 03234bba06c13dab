import type { AnalysisGrid } from './analysis-grid';
import { NoArterialInputError, SeriesTooShortError } from './perfusion.errors';

export interface BolusArrival {
  /** index of the first time point that carries contrast in the arteries */
  arrivalIndex: number;
  /** time points [0, arrivalIndex) form the pre-contrast baseline */
  baselineFrames: number;
  /** mean curve of the most enhancing voxels (HU above their first frame), for audit */
  hottestCurve: Float64Array;
  hottestVoxelCount: number;
}

/** The bolus must lift the hottest voxels by at least this much (HU) to count as contrast. */
export const MIN_BOLUS_ENHANCEMENT_HU = 40;

/**
 * Arterial arrival from the mean curve of the voxels that enhance most (soft tissue only, bone and air
 * excluded): the first time point above 10 % of that curve's peak. Everything before it is baseline,
 * so the baseline is taken before arterial arrival, hence before any tissue enhances.
 */
export function detectBolusArrival(grid: AnalysisGrid): BolusArrival {
  const { timePoints: T, hu } = grid;
  const voxels = hu.length / T;
  const enhancement = new Float32Array(voxels);
  let eligible = 0;
  for (let v = 0; v < voxels; v++) {
    const o = v * T;
    const first = hu[o];
    if (first < -100 || first > 150) {
      enhancement[v] = -Infinity;
      continue;
    }
    eligible++;
    let max = -Infinity;
    for (let t = 1; t < T; t++) if (hu[o + t] > max) max = hu[o + t];
    enhancement[v] = max - first;
  }
  if (eligible === 0) throw new NoArterialInputError('no soft-tissue voxel in the series: nothing can carry a bolus');
  // The 1 % that enhance most (arteries, veins, sinus), each with its own first time point above 20 % of its
  // peak; the arterial arrival is an early percentile of those (the sinus enhances more but later).
  const count = Math.max(20, Math.round(eligible * 0.01));
  const order = Array.from(enhancement.keys()).filter((v) => enhancement[v] > -Infinity);
  order.sort((a, b) => enhancement[b] - enhancement[a]);
  const hottest = order.slice(0, count);
  const curve = new Float64Array(T);
  const arrivals: number[] = [];
  for (const v of hottest) {
    const o = v * T;
    let peakIndex = 1;
    for (let t = 1; t < T; t++) if (hu[o + t] > hu[o + peakIndex]) peakIndex = t;
    const rise = hu[o + peakIndex] - hu[o];
    let first = peakIndex;
    while (first > 0 && hu[o + first - 1] - hu[o] > 0.2 * rise) first--;
    arrivals.push(first);
    for (let t = 0; t < T; t++) curve[t] += (hu[o + t] - hu[o]) / hottest.length;
  }
  let peak = 0;
  for (let t = 0; t < T; t++) if (curve[t] > peak) peak = curve[t];
  if (peak < MIN_BOLUS_ENHANCEMENT_HU) {
    throw new NoArterialInputError(
      `no contrast bolus: the ${hottest.length} most enhancing voxels rise only ${peak.toFixed(1)} HU on average (at least ${MIN_BOLUS_ENHANCEMENT_HU} HU needed)`,
    );
  }
  arrivals.sort((a, b) => a - b);
  const arrivalIndex = arrivals[Math.floor(arrivals.length * 0.05)];
  if (arrivalIndex === 0) {
    throw new SeriesTooShortError('contrast is already present in the first image: there is no pre-contrast baseline');
  }
  return { arrivalIndex, baselineFrames: arrivalIndex, hottestCurve: curve, hottestVoxelCount: hottest.length };
}

/**
 * Baseline image (mean of the pre-arrival frames) and concentration curves (HU above baseline; CT
 * enhancement is linear in iodine concentration), both on the analysis grid, curves voxel-major.
 */
export function toConcentration(grid: AnalysisGrid, baselineFrames: number): { baseline: Float32Array; concentration: Float32Array; noiseHu: number } {
  const { timePoints: T, hu } = grid;
  const voxels = hu.length / T;
  const baseline = new Float32Array(voxels);
  const concentration = new Float32Array(hu.length);
  const variances: number[] = [];
  for (let v = 0; v < voxels; v++) {
    const o = v * T;
    let sum = 0;
    for (let t = 0; t < baselineFrames; t++) sum += hu[o + t];
    const mean = sum / baselineFrames;
    baseline[v] = mean;
    for (let t = 0; t < T; t++) concentration[o + t] = hu[o + t] - mean;
    if (baselineFrames >= 2 && mean > 10 && mean < 60) {
      let ss = 0;
      for (let t = 0; t < baselineFrames; t++) ss += (hu[o + t] - mean) ** 2;
      variances.push(ss / (baselineFrames - 1));
    }
  }
  // Noise of one voxel and frame: root of the mean unbiased variance over soft tissue.
  const noiseHu = variances.length > 0 ? Math.sqrt(variances.reduce((a, b) => a + b, 0) / variances.length) : NaN;
  return { baseline, concentration, noiseHu };
}
