import { NoArterialInputError, SeriesTooShortError } from './perfusion.errors';

/** Shape descriptors of one enhancement curve on its (possibly non-uniform) time points. */
export interface CurveShape {
  peak: number;
  peakTime: number;
  /** time the rising edge crosses half the peak (interpolated): the bolus arrival */
  halfRiseTime: number;
  /** full width at half maximum, s */
  width: number;
  /** area under the curve, HU s */
  area: number;
}

export function curveShape(curve: ArrayLike<number>, offset: number, times: Float64Array): CurveShape {
  const T = times.length;
  let peak = -Infinity;
  let p = 0;
  for (let t = 0; t < T; t++) if (curve[offset + t] > peak) ((peak = curve[offset + t]), (p = t));
  const half = peak / 2;
  let rise = 0;
  for (let t = p; t > 0; t--) {
    if (curve[offset + t - 1] <= half) {
      const a = curve[offset + t - 1];
      const b = curve[offset + t];
      rise = times[t - 1] + ((half - a) / (b - a)) * (times[t] - times[t - 1]);
      break;
    }
  }
  let fall = times[T - 1];
  for (let t = p; t < T - 1; t++) {
    if (curve[offset + t + 1] <= half) {
      const a = curve[offset + t];
      const b = curve[offset + t + 1];
      fall = times[t] + ((a - half) / (a - b)) * (times[t + 1] - times[t]);
      break;
    }
  }
  let area = 0;
  for (let t = 1; t < T; t++) area += 0.5 * (curve[offset + t] + curve[offset + t - 1]) * (times[t] - times[t - 1]);
  return { peak, peakTime: times[p], halfRiseTime: rise, width: Math.max(fall - rise, 1e-3), area };
}

export interface VascularCurves {
  /** arterial input, partial-volume corrected, HU above baseline at the native time points */
  arterial: Float64Array;
  arterialVoxels: number[];
  arterialShape: CurveShape;
  /** venous output, HU above baseline */
  venous: Float64Array | null;
  venousVoxels: number[];
  /** factor applied to the raw arterial curve (area of VOF over area of AIF, aligned), 1 when none */
  partialVolumeFactor: number;
  warnings: string[];
}

export interface VascularSelectionOptions {
  /** fraction of the intracranial voxels considered as vessel candidates (by peak) */
  candidateFraction?: number;
  arterialVoxelCount?: number;
  venousVoxelCount?: number;
  /** seconds after the AIF's peak that the series must continue for the tissue to be measured */
  minTailSeconds?: number;
}

function averageCurve(concentration: Float32Array, T: number, voxels: number[]): Float64Array {
  const out = new Float64Array(T);
  for (const v of voxels) for (let t = 0; t < T; t++) out[t] += concentration[v * T + t] / voxels.length;
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
}

/**
 * Automatic AIF and VOF (after the usual criteria, e.g. Mouridsen 2006 and the RAPID description):
 * among the intracranial voxels that enhance most, arteries are the earliest to arrive, and of those the
 * highest and narrowest are averaged; the venous outflow is the late curve with the largest area.
 * The AIF is then scaled so its area equals the VOF's (partial-volume correction: a large sinus is not
 * diluted by the voxel, small arteries are), both integrated over the same length after aligning them.
 */
export function selectVascularCurves(
  concentration: Float32Array,
  times: Float64Array,
  intracranial: Uint8Array,
  options: VascularSelectionOptions = {},
): VascularCurves {
  const T = times.length;
  const voxels = intracranial.length;
  const warnings: string[] = [];
  const peaks: number[] = [];
  const candidates: number[] = [];
  for (let v = 0; v < voxels; v++) {
    if (!intracranial[v]) continue;
    let max = -Infinity;
    for (let t = 0; t < T; t++) if (concentration[v * T + t] > max) max = concentration[v * T + t];
    peaks.push(max);
    candidates.push(v);
  }
  const order = candidates.map((v, i) => [v, peaks[i]] as const).sort((a, b) => b[1] - a[1]);
  const pool = order.slice(0, Math.max(30, Math.round(candidates.length * (options.candidateFraction ?? 0.02))));
  const medianPeak = median(peaks);
  const shapes = new Map<number, CurveShape>();
  for (const [v] of pool) shapes.set(v, curveShape(concentration, v * T, times));
  const strong = pool.filter(([v, peak]) => peak >= Math.max(40, 4 * medianPeak) && shapes.get(v)!.halfRiseTime > times[0]);
  if (strong.length < 3) {
    throw new NoArterialInputError(
      `no arterial curve: ${strong.length} intracranial voxels enhance at least 40 HU and 4 times the median tissue peak (${medianPeak.toFixed(1)} HU)`,
    );
  }
  // Early: arrival within 1.5 s of the earliest strong voxels (5th percentile, robust to a noisy outlier).
  const rises = strong.map(([v]) => shapes.get(v)!.halfRiseTime).sort((a, b) => a - b);
  const earliest = rises[Math.floor(rises.length * 0.05)];
  const early = strong.filter(([v]) => shapes.get(v)!.halfRiseTime <= earliest + 1.5);
  // High and narrow: within 60 % of the highest early peaks (a voxel half artery, half tissue is wider
  // and later than the artery; scaling it up for partial volume would not restore its shape).
  const earlyPeaks = early.map(([, peak]) => peak).sort((a, b) => b - a);
  const highest = earlyPeaks[Math.min(earlyPeaks.length - 1, 2)];
  const high = early.filter(([, peak]) => peak >= 0.6 * highest);
  const arterialCount = Math.min(options.arterialVoxelCount ?? 8, high.length);
  const arterialVoxels = high
    .map(([v, peak]) => [v, peak / shapes.get(v)!.width] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, arterialCount)
    .map(([v]) => v);
  const raw = averageCurve(concentration, T, arterialVoxels);
  const rawShape = curveShape(raw, 0, times);
  if (rawShape.peak < 40 || rawShape.width > 20) {
    throw new NoArterialInputError(
      `no usable arterial curve: the earliest strong voxels peak at ${rawShape.peak.toFixed(1)} HU with a ${rawShape.width.toFixed(1)} s width`,
    );
  }
  const peakIndex = times.indexOf(rawShape.peakTime);
  const end = times[T - 1];
  const minTail = options.minTailSeconds ?? 20;
  let fallsBack = false;
  for (let t = peakIndex + 1; t < T; t++) if (raw[t] < 0.5 * rawShape.peak) fallsBack = true;
  if (!fallsBack || end - rawShape.peakTime < minTail) {
    throw new SeriesTooShortError(
      `the series ends ${(end - rawShape.peakTime).toFixed(1)} s after the arterial peak${fallsBack ? '' : ', before the arterial curve falls to half its peak'}: at least ${minTail} s are needed for the bolus to pass through the brain`,
    );
  }

  // Venous output: arrives at least 2 s after the arteries; the highest of those (a large vein is not
  // diluted). Chosen by peak, not area: with few baseline images, the largest areas are the voxels whose
  // baseline came out low by chance.
  const venousPool = strong
    .filter(([v]) => shapes.get(v)!.halfRiseTime >= rawShape.halfRiseTime + 2 && !arterialVoxels.includes(v))
    .sort((a, b) => b[1] - a[1]);
  const venousVoxels = venousPool.slice(0, options.venousVoxelCount ?? 10).map(([v]) => v);
  let venous: Float64Array | null = null;
  let factor = 1;
  if (venousVoxels.length >= 2) {
    venous = averageCurve(concentration, T, venousVoxels);
    // Re-baseline the venous curve on every image before it arrives (more than the arterial baseline).
    const venousRise = curveShape(venous, 0, times).halfRiseTime;
    let sum = 0;
    let count = 0;
    for (let t = 0; t < T && times[t] < venousRise - 2; t++) ((sum += venous[t]), count++);
    if (count > 0) for (let t = 0; t < T; t++) venous[t] -= sum / count;
    const venousShape = curveShape(venous, 0, times);
    const lag = Math.max(0, venousShape.halfRiseTime - rawShape.halfRiseTime);
    const arterialArea = areaUntil(raw, times, end - lag);
    const venousArea = areaUntil(venous, times, end) - areaUntil(venous, times, lag + times[0]);
    const ratio = venousArea / arterialArea;
    if (ratio > 1) factor = ratio;
    if (ratio > 4) {
      warnings.push(`arterial curve scaled by ${ratio.toFixed(2)} for partial volume (large): check the AIF`);
    }
  } else {
    warnings.push('no venous outflow curve found: the arterial curve is not corrected for partial volume');
  }
  const arterial = raw.map((c) => c * factor);
  return {
    arterial,
    arterialVoxels,
    arterialShape: curveShape(arterial, 0, times),
    venous,
    venousVoxels,
    partialVolumeFactor: factor,
    warnings,
  };
}

/** Trapezoidal area of a curve from the first time point to `until` (linear between samples). */
export function areaUntil(curve: ArrayLike<number>, times: Float64Array, until: number): number {
  let area = 0;
  for (let t = 1; t < times.length; t++) {
    const t0 = times[t - 1];
    if (t0 >= until) break;
    const t1 = Math.min(times[t], until);
    const c0 = curve[t - 1];
    const cEnd = curve[t - 1] + ((curve[t] - curve[t - 1]) * (t1 - t0)) / (times[t] - t0);
    area += 0.5 * (c0 + cEnd) * (t1 - t0);
  }
  return area;
}
