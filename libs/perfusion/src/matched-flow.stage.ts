import { inPlanePixelMm, type GridGeometry } from './analysis-grid';
import { inheritArrival } from './arrival-inheritance';
import type { TissueDeconvolution } from './deconvolution.stage';
import type { MapOptions } from './perfusion-options';
import { arterialArea, type ResidueReadout } from './residue-readout.stage';
import { CBF_SCALE, CBV_SCALE } from './residue-maps';
import { baselineNoise } from './tips-filter';
import { flowNoise, matchArrival, matchArrivalScored, matchedFlow, templateAmplitude, type TruncationBias } from './truncation-bias';

/** earliest arrival searched, s (tissue may lead a slightly late AIF) */
export const MIN_TMAX_SECONDS = -3;

/**
 * Noise of a flow amplitude's input: that of the denoised curves, from their pre-contrast frames (or
 * `fallbackNoiseHu`), widened by sqrt(native interval / grid interval) because a sample interpolated between
 * native samples on the uniform grid is not independent of its neighbours.
 */
export function amplitudeNoiseHu(
  denoised: Float32Array,
  times: Float64Array,
  mask: Uint8Array,
  baselineFrames: number,
  gridIntervalSeconds: number,
  fallbackNoiseHu: number,
): number {
  const T = times.length;
  const curveNoise = baselineNoise(denoised, T, mask, baselineFrames);
  const intervals = Array.from({ length: T - 1 }, (_, t) => times[t + 1] - times[t]).sort((a, b) => a - b);
  const nativeInterval = intervals[intervals.length >> 1];
  return (Number.isFinite(curveNoise) ? curveNoise : fallbackNoiseHu) * Math.sqrt(Math.max(1, nativeInterval / gridIntervalSeconds));
}

/**
 * Which residue model (index into RESIDUE_MODELS) explains a voxel's residue best by least squares, and
 * the arrival it fits at. The truncation lowers the peak of each differently: correcting a plug-flow
 * residue as if it were exponential would double its flow.
 */
export function bestResidueModel(
  bias: TruncationBias,
  level: number,
  mtt: number,
  arrival: number,
  residues: Float32Array,
  offset: number,
): { model: number; arrival: number } {
  let model = 0;
  let best = matchArrivalScored(bias, level, mtt, arrival, 0, residues, offset, 0);
  for (let candidate = 1; candidate < bias.models; candidate++) {
    const scored = matchArrivalScored(bias, level, mtt, arrival, 2, residues, offset, candidate);
    if (scored.score > best.score) ((best = scored), (model = candidate));
  }
  return { model, arrival: best.arrival };
}

export interface MatchedMaps {
  cbf: Float32Array;
  cbv: Float32Array;
  tmax: Float32Array;
}

/**
 * Stage 6c: flow as the least-squares amplitude of the corrected template placed at the voxel's arrival,
 * the arrival itself found by template matching within `arrivalSearchSeconds` of the steepest rise (then
 * refined with the MTT the template's amplitude implies, `arrivalRefinements` times: a noise-lifted peak
 * makes the MTT short, the template narrow and the arrival late). Where the signal is too weak for a voxel's
 * own arrival to mean anything (flow under `minArrivalSnr` noise deviations: the core), that arrival is
 * chosen by the noise and lifts the amplitude found there; such voxels take the arrival of the reliable
 * tissue around them (arrival varies smoothly in the brain, flow does not), so their flow is read where the
 * bolus is, and optionally at least a quantile of their neighbours' Tmax (hypoperfusion deepens towards the core).
 */
export function matchFlowAndArrival(
  geometry: GridGeometry,
  deconvolution: TissueDeconvolution,
  bias: TruncationBias,
  readout: ResidueReadout,
  noiseHu: number,
  options: MapOptions,
): MatchedMaps {
  const { voxels, residues, levels, length: L } = deconvolution;
  const N = deconvolution.grid.count;
  const interval = deconvolution.grid.intervalSeconds;
  const { tissue, tissueAreas } = readout;
  const n = tissue.length;
  const V = voxels.length;
  const aif = arterialArea(deconvolution.arterial, interval);
  const cbf = new Float32Array(n);
  const cbv = Float32Array.from(readout.cbv);
  const tmax = Float32Array.from(readout.tmax);
  const areaRatios = Float32Array.from(readout.areaRatios);
  const startMtt = Float32Array.from(readout.mtts);
  const maxTmax = Math.min(options.maxTmaxSeconds, (N - 1) * interval * 0.6);
  const halfRange = options.arrivalSearchSeconds;
  const reliable = new Uint8Array(n);
  const flows = new Float32Array(V);
  const mtts = new Float32Array(V);
  for (let k = 0; k < V; k++) {
    const voxel = voxels[k];
    const level = levels[k];
    if (options.matchArrival) {
      let m = startMtt[k] || 4;
      const around =
        halfRange >= (maxTmax - MIN_TMAX_SECONDS) / 2
          ? (maxTmax + MIN_TMAX_SECONDS) / 2
          : Math.min(maxTmax - halfRange, Math.max(MIN_TMAX_SECONDS + halfRange, tmax[voxel]));
      let arrivalTime = matchArrival(bias, level, m, around, Math.min(halfRange, (maxTmax - MIN_TMAX_SECONDS) / 2), residues, k * L);
      for (let i = 0; i < options.arrivalRefinements; i++) {
        const amplitude = templateAmplitude(bias, level, m, arrivalTime, residues, k * L);
        areaRatios[k] = tissueAreas[k] / aif.forDelay(arrivalTime);
        if (amplitude > 0 && areaRatios[k] > 0) m = Math.min(30, Math.max(0.5, areaRatios[k] / amplitude));
        arrivalTime = matchArrival(bias, level, m, arrivalTime, 2, residues, k * L);
      }
      tmax[voxel] = arrivalTime;
      startMtt[k] = m;
      areaRatios[k] = tissueAreas[k] / aif.forDelay(arrivalTime);
      cbv[voxel] = Math.max(0, areaRatios[k] * CBV_SCALE);
    }
    let own = matchedFlow(bias, level, tmax[voxel], areaRatios[k], startMtt[k], residues, k * L);
    const sigma = flowNoise(bias, level, own.mtt, noiseHu);
    if (tissue[voxel] && own.flow > options.minArrivalSnr * sigma) {
      reliable[voxel] = 1;
      if (options.residueModels) {
        const best = bestResidueModel(bias, level, own.mtt, tmax[voxel], residues, k * L);
        if (best.model !== 0) {
          tmax[voxel] = best.arrival;
          own = matchedFlow(bias, level, best.arrival, tissueAreas[k] / aif.forDelay(best.arrival), own.mtt, residues, k * L, best.model);
        }
      }
    }
    flows[k] = own.flow;
    mtts[k] = own.mtt;
  }
  const { columns: C, rows: R, slices: S } = geometry;
  const pixelMm = inPlanePixelMm(geometry);
  const inherited = inheritArrival(tmax, reliable, tissue, C, R, S, pixelMm);
  const inheritedTmax = options.inheritTmaxQuantile === null ? null : inheritArrival(tmax, reliable, tissue, C, R, S, pixelMm, options.inheritTmaxQuantile);
  for (let k = 0; k < V; k++) {
    const voxel = voxels[k];
    if (!reliable[voxel] && Number.isFinite(inherited[voxel])) {
      flows[k] = matchedFlow(bias, levels[k], inherited[voxel], areaRatios[k], mtts[k], residues, k * L).flow;
      if (inheritedTmax && Number.isFinite(inheritedTmax[voxel])) tmax[voxel] = Math.max(tmax[voxel], inheritedTmax[voxel]);
    }
    cbf[voxel] = flows[k] * CBF_SCALE;
  }
  return { cbf, cbv, tmax };
}
