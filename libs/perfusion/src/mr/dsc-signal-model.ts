import type { AnalysisGrid } from '../analysis-grid';
import { detectBolusArrival } from '../bolus-arrival';
import type { Concentration } from '../concentration.stage';
import { hemisphereSides, type HeadGeometry } from '../head-geometry';
import { NotHeadError, NotPerfusionSeriesError } from '../perfusion.errors';
import type { SignalModel } from '../signal-model';
import { intracranialFromForeground } from './intracranial-mask';

/**
 * DSC concentration is Delta R2* = -ln(S(t) / S0) / TE (linear in tracer concentration, the usual DSC assumption),
 * carried in units of 0.1 s^-1. The engine's enhancement thresholds (vessel, bolus, AIF) were set in HU for CT; on
 * this scale a pure arterial voxel (Delta R2* 30-100 s^-1) reads 300-1000 and grey matter (4-10 s^-1) 40-100, as on
 * CT. CBF, CBV, MTT and Tmax do not depend on the unit: tissue and AIF share it.
 */
export const DSC_CONCENTRATION_PER_INVERSE_SECOND = 10;
/** Frames that give the provisional reference used to find the bolus (before the true baseline is known). */
const REFERENCE_FRAMES = 3;
/** Foreground of the baseline EPI: above this fraction of its 99th percentile (skull and air are dark). */
const FOREGROUND_FRACTION = 0.15;
/** Parenchyma on T2*-weighted EPI, relative to the median intracranial signal: CSF above, partial volume with bone below. */
const CSF_SIGNAL_RATIO = 1.45;
const LOW_SIGNAL_RATIO = 0.45;
/** Where the bolus is looked for: reference signal above this fraction of the median head signal. */
const STEADY_SIGNAL_RATIO = 0.4;
const OUT_OF_RANGE = 1000;

function quantile(values: Float32Array, q: number, include: (i: number) => boolean = (i) => values[i] > 0): number {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) if (include(i)) sample.push(values[i]);
  if (sample.length === 0) return 0;
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
}

/** Delta R2* curves against a per-voxel reference signal, 0 outside the foreground. */
function relaxationCurves(grid: AnalysisGrid, reference: Float32Array, foreground: Uint8Array, echoTimeSeconds: number): Float32Array {
  const { timePoints: T, hu: signal } = grid;
  const out = new Float32Array(signal.length);
  const scale = DSC_CONCENTRATION_PER_INVERSE_SECOND / echoTimeSeconds;
  for (let v = 0; v < reference.length; v++) {
    if (!foreground[v]) continue;
    const o = v * T;
    const s0 = reference[v];
    // magnitude images never go below the noise floor; one unit keeps the logarithm finite
    for (let t = 0; t < T; t++) out[o + t] = -Math.log(Math.max(1, signal[o + t]) / s0) * scale;
  }
  return out;
}

function meanOfFrames(grid: AnalysisGrid, frames: number): Float32Array {
  const { timePoints: T, hu: signal } = grid;
  const voxels = signal.length / T;
  const mean = new Float32Array(voxels);
  for (let v = 0; v < voxels; v++) {
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += signal[v * T + t];
    mean[v] = sum / frames;
  }
  return mean;
}

/**
 * MR dynamic susceptibility contrast: grid values are the T2*-weighted signal. The bolus is found on Delta R2*
 * against the first images; the baseline S0 is then the mean of every image before arterial arrival, and the
 * concentration Delta R2* = -ln(S(t) / S0) / TE. On EPI the skull is dark, CSF bright: the head is the largest
 * connected foreground, parenchyma is what is neither CSF-bright nor dark.
 */
export function dscSignalModel(echoTimeSeconds: number): SignalModel {
  if (!(echoTimeSeconds > 0 && echoTimeSeconds < 0.2))
    throw new NotPerfusionSeriesError(`EchoTime ${echoTimeSeconds * 1000} ms: DSC needs a T2*-weighted echo time`);
  return {
    name: 'mr-dsc',
    concentration(grid: AnalysisGrid): Concentration {
      const reference = meanOfFrames(grid, Math.min(REFERENCE_FRAMES, grid.timePoints));
      const threshold = FOREGROUND_FRACTION * quantile(reference, 0.99);
      // The bolus is looked for where the signal is strong enough for a steady Delta R2*: at a few times the noise
      // (scalp, skull edges) Delta R2* swings like a bolus. Other voxels get a curve out of the stage's soft-tissue
      // range (it leaves out curves whose minimum is above 150, as it does bone on CT).
      const median = quantile(reference, 0.5, (i) => reference[i] > threshold);
      const steady = Uint8Array.from(reference, (s) => (s > STEADY_SIGNAL_RATIO * median ? 1 : 0));
      const provisional = relaxationCurves(grid, reference, steady, echoTimeSeconds);
      for (let v = 0; v < steady.length; v++) if (!steady[v]) provisional.fill(OUT_OF_RANGE, v * grid.timePoints, (v + 1) * grid.timePoints);
      const arrival = detectBolusArrival({ ...grid, hu: provisional });
      const baseline = meanOfFrames(grid, arrival.baselineFrames);
      const mask = Uint8Array.from(baseline, (s) => (s > threshold ? 1 : 0));
      const curves = relaxationCurves(grid, baseline, mask, echoTimeSeconds);
      // noise of one sample: mean unbiased variance over the baseline frames of tissue-bright voxels
      const T = grid.timePoints;
      let variance = 0;
      let count = 0;
      if (arrival.baselineFrames >= 2) {
        for (let v = 0; v < baseline.length; v++) {
          if (!mask[v] || baseline[v] < 0.7 * median || baseline[v] > 1.3 * median) continue;
          let mean = 0;
          for (let t = 0; t < arrival.baselineFrames; t++) mean += curves[v * T + t] / arrival.baselineFrames;
          let ss = 0;
          for (let t = 0; t < arrival.baselineFrames; t++) ss += (curves[v * T + t] - mean) ** 2;
          variance += ss / (arrival.baselineFrames - 1);
          count++;
        }
      }
      const warnings = arrival.baselineFrames < 2 ? ['only one image before the bolus: the baseline is noisy'] : [];
      return { arrival, baseline, curves, noiseHu: count ? Math.sqrt(variance / count) : NaN, warnings };
    },
    head(grid: AnalysisGrid, baseline: Float32Array): HeadGeometry {
      const threshold = FOREGROUND_FRACTION * quantile(baseline, 0.99);
      const intracranial = intracranialFromForeground(
        Uint8Array.from(baseline, (s) => (s > threshold ? 1 : 0)),
        grid,
      );
      const count = intracranial.reduce((s, v) => s + v, 0);
      const intracranialVolumeMl = count * grid.voxelVolumeMl;
      if (intracranialVolumeMl < 40) {
        throw new NotHeadError(`no head: ${intracranialVolumeMl.toFixed(1)} mL of connected signal on the baseline EPI, at least 40 mL expected`);
      }
      return { bone: new Uint8Array(intracranial.length), intracranial, intracranialVolumeMl, side: hemisphereSides(grid, intracranial) };
    },
    parenchyma(grid: AnalysisGrid, head: HeadGeometry, baseline: Float32Array): Uint8Array {
      const { columns: C, rows: R, slices: S } = grid;
      const median = quantile(baseline, 0.5, (i) => head.intracranial[i] === 1);
      const out = new Uint8Array(C * R * S);
      for (let z = 0; z < S; z++)
        for (let y = 0; y < R; y++)
          for (let x = 0; x < C; x++) {
            const i = (z * R + y) * C + x;
            if (!head.intracranial[i]) continue;
            // 3x3 in-plane mean over intracranial neighbours (partial volume with CSF shows as brighter)
            let sum = 0;
            let n = 0;
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const xx = x + dx;
                const yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= C || yy >= R) continue;
                const j = (z * R + yy) * C + xx;
                if (head.intracranial[j]) ((sum += baseline[j]), n++);
              }
            const smoothed = sum / n;
            if (smoothed < CSF_SIGNAL_RATIO * median && baseline[i] < CSF_SIGNAL_RATIO * median && smoothed > LOW_SIGNAL_RATIO * median) out[i] = 1;
          }
      return out;
    },
  };
}
