import { HEMATOCRIT_CONSTANT, TISSUE_DENSITY } from './perfusion-constants';

/** mL/100 g/min per unit of residue peak (1/s): kH / rho * 100 g * 60 s */
export const CBF_SCALE = (HEMATOCRIT_CONSTANT / TISSUE_DENSITY) * 6000;
/** mL/100 g per unit of area ratio */
export const CBV_SCALE = (HEMATOCRIT_CONSTANT / TISSUE_DENSITY) * 100;

/** The residue is also searched this far (s) before the AIF: tissue may lead a slightly late AIF. */
export const NEGATIVE_LAG_SECONDS = 5;

/** How many samples at the end of the padded residue stand for negative lags. */
export function negativeLagCount(intervalSeconds: number): number {
  return Math.round(NEGATIVE_LAG_SECONDS / intervalSeconds);
}

export interface ResiduePeak {
  /** peak height of the residue, 1/s */
  height: number;
  /** time of the peak in s (sub-sample, parabolic), negative when the tissue leads the AIF */
  time: number;
}

/**
 * The peak of a block-circulant residue: searched over positive lags and a few negative ones (the end of
 * the padded vector), refined between samples by a parabola through the peak and its two neighbours.
 */
export function residuePeak(residues: Float32Array, offset: number, L: number, positiveCount: number, negativeCount: number, interval: number): ResiduePeak {
  let best = -Infinity;
  let bestIndex = 0;
  for (let j = 0; j < positiveCount; j++) if (residues[offset + j] > best) ((best = residues[offset + j]), (bestIndex = j));
  for (let j = L - negativeCount; j < L; j++) if (residues[offset + j] > best) ((best = residues[offset + j]), (bestIndex = j));
  const before = residues[offset + ((bestIndex - 1 + L) % L)];
  const after = residues[offset + ((bestIndex + 1) % L)];
  const curvature = before - 2 * best + after;
  let shift = 0;
  let height = best;
  if (curvature < 0) {
    shift = Math.max(-0.5, Math.min(0.5, (0.5 * (before - after)) / curvature));
    height = best - 0.25 * (before - after) * shift;
  }
  const lag = bestIndex >= L - negativeCount ? bestIndex - L : bestIndex;
  return { height, time: (lag + shift) * interval };
}

/**
 * Tmax as the arrival of the residue's peak. The true residue of tissue, CBF R(t - delay) with R falling
 * from R(0) = 1, peaks where it jumps up at the delay. The truncated SVD returns it smoothed by a
 * symmetric kernel, which moves the maximum of an exponential residue late by up to half the kernel
 * (2 s and more) and puts the maximum of a box residue in its middle; the jump itself, the steepest rise
 * of the smoothed residue, stays in place. The steepest rise is searched before the smoothed maximum and
 * refined between samples by a parabola through the first differences. CBF is the smoothed residue's
 * maximum within a few seconds after that rise, so that noise far from the bolus is never taken for flow.
 */
export function residueArrival(
  residues: Float32Array,
  offset: number,
  L: number,
  positiveCount: number,
  negativeCount: number,
  interval: number,
  peakWindowSeconds = 4,
): ResiduePeak {
  const at = (j: number) => residues[offset + ((j + L) % L)];
  const peak = residuePeak(residues, offset, L, positiveCount, negativeCount, interval);
  const peakIndex = Math.round(peak.time / interval);
  let best = -Infinity;
  let bestIndex = peakIndex;
  const from = Math.max(-negativeCount + 1, peakIndex - Math.ceil(8 / interval));
  for (let j = from; j <= peakIndex; j++) {
    const rise = at(j) - at(j - 1);
    if (rise > best) ((best = rise), (bestIndex = j));
  }
  const before = at(bestIndex - 1) - at(bestIndex - 2);
  const after = at(bestIndex + 1) - at(bestIndex);
  const curvature = before - 2 * best + after;
  const shift = curvature < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (before - after)) / curvature)) : 0;
  const arrival = (bestIndex - 0.5 + shift) * interval;
  let height = -Infinity;
  const windowEnd = bestIndex + Math.ceil(peakWindowSeconds / interval);
  for (let j = bestIndex - 1; j <= windowEnd; j++) height = Math.max(height, at(j));
  return { height, time: arrival };
}
