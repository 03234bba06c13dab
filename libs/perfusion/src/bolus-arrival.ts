import type { AnalysisGrid } from './analysis-grid';
import { NoArterialInputError, SeriesTooShortError } from './perfusion.errors';

export interface BolusArrival {
  /** index of the first time point that carries contrast in the arteries */
  arrivalIndex: number;
  /** time points [0, arrivalIndex) form the pre-contrast baseline */
  baselineFrames: number;
  /** mean curve of the earliest of the most enhancing voxels (HU above their first frame), for audit */
  hottestCurve: Float64Array;
  hottestVoxelCount: number;
}

/** The bolus must lift the hottest voxels by at least this much (HU) to count as contrast. */
export const MIN_BOLUS_ENHANCEMENT_HU = 40;

/**
 * Arterial arrival from the mean curve of the voxels that enhance most (soft tissue only, bone and air
 * excluded): the first time point above 10 % of that curve's peak. Everything before it is baseline,
 * so the baseline is taken before arterial arrival, hence before any tissue enhances. Voxels marked in `ignore`
 * (the skull's edge after motion correction, whose curves carry the moved bone) take no part.
 */
export function detectBolusArrival(grid: AnalysisGrid, ignore: Uint8Array | null = null): BolusArrival {
  const { timePoints: T, hu } = grid;
  const voxels = hu.length / T;
  const enhancement = new Float32Array(voxels);
  let eligible = 0;
  for (let v = 0; v < voxels; v++) {
    if (ignore?.[v]) {
      enhancement[v] = -Infinity;
      continue;
    }
    const o = v * T;
    // range of the curve: contrast present from the first image shows as a fall, not a rise; soft
    // tissue is judged on the least enhanced image (bone and air excluded)
    let max = -Infinity;
    let min = Infinity;
    for (let t = 0; t < T; t++) {
      if (hu[o + t] > max) max = hu[o + t];
      if (hu[o + t] < min) min = hu[o + t];
    }
    if (min < -100 || min > 150) {
      enhancement[v] = -Infinity;
      continue;
    }
    eligible++;
    enhancement[v] = max - min;
  }
  if (eligible === 0) throw new NoArterialInputError('no soft-tissue voxel in the series: nothing can carry a bolus');
  // Contrast already in the first image: strongly enhancing voxels whose highest value is the first one.
  const ranked = Array.from(enhancement)
    .filter((e) => e > -Infinity)
    .sort((a, b) => b - a);
  const topRange = ranked[Math.min(ranked.length - 1, 2)];
  if (topRange < 2.5 * MIN_BOLUS_ENHANCEMENT_HU) {
    throw new NoArterialInputError(
      `no contrast bolus: no voxel's HU varies by more than ${topRange.toFixed(1)} HU over the series (a bolus lifts arteries and veins by ${2.5 * MIN_BOLUS_ENHANCEMENT_HU} HU or more)`,
    );
  }
  let startHigh = 0;
  for (let v = 0; v < voxels; v++) {
    if (!(enhancement[v] >= 0.3 * topRange) || enhancement[v] < 2 * MIN_BOLUS_ENHANCEMENT_HU) continue;
    const o = v * T;
    let peakIndex = 0;
    for (let t = 1; t < T; t++) if (hu[o + t] > hu[o + peakIndex]) peakIndex = t;
    if (peakIndex === 0) startHigh++;
  }
  if (startHigh >= 3) {
    throw new SeriesTooShortError(
      `contrast is already present in the first image (${startHigh} strongly enhancing voxels are brightest in it): there is no pre-contrast baseline`,
    );
  }
  // The 0.5 % that enhance most (arteries, veins, sinus). Each strong curve crosses half its peak at a
  // time that noise hardly moves; the earliest such crossing (second earliest, so no single voxel decides)
  // marks the arteries. Their mean curve, walked back from there to where it falls under 10 % of its peak,
  // gives the first image with contrast.
  const count = Math.max(10, Math.round(eligible * 0.005));
  const order = Array.from(enhancement.keys()).filter((v) => enhancement[v] > -Infinity);
  order.sort((a, b) => enhancement[b] - enhancement[a]);
  const hottest = order.slice(0, count);
  const halfRise = new Map<number, number>();
  for (const v of hottest) {
    const o = v * T;
    let peakIndex = 0;
    let min = Infinity;
    for (let t = 0; t < T; t++) {
      if (hu[o + t] > hu[o + peakIndex]) peakIndex = t;
      if (hu[o + t] < min) min = hu[o + t];
    }
    const rise = hu[o + peakIndex] - min;
    let first = peakIndex;
    while (first > 0 && hu[o + first - 1] - min > 0.5 * rise) first--;
    halfRise.set(v, first);
  }
  const sortedRises = [...halfRise.values()].sort((a, b) => a - b);
  const earliestRise = sortedRises[Math.min(1, sortedRises.length - 1)];
  if (earliestRise === 0) {
    throw new SeriesTooShortError('contrast is already present in the first image (the arteries are above half their peak): there is no pre-contrast baseline');
  }
  const early = hottest.filter((v) => halfRise.get(v)! <= earliestRise);
  const curve = new Float64Array(T);
  for (const v of early) {
    const o = v * T;
    for (let t = 0; t < T; t++) curve[t] += (hu[o + t] - hu[o]) / early.length;
  }
  let peak = 0;
  for (let t = 0; t < T; t++) if (curve[t] > peak) peak = curve[t];
  if (peak < MIN_BOLUS_ENHANCEMENT_HU) {
    throw new NoArterialInputError(
      `no contrast bolus: the earliest of the ${hottest.length} most enhancing voxels rise only ${peak.toFixed(1)} HU on average (at least ${MIN_BOLUS_ENHANCEMENT_HU} HU needed)`,
    );
  }
  let arrivalIndex = earliestRise;
  while (arrivalIndex > 0 && curve[arrivalIndex - 1] > 0.1 * peak) arrivalIndex--;
  if (arrivalIndex === 0) {
    throw new SeriesTooShortError('contrast is already present in the first image: there is no pre-contrast baseline');
  }
  return { arrivalIndex, baselineFrames: arrivalIndex, hottestCurve: curve, hottestVoxelCount: early.length };
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
