import type { Volume4D } from '@nidus/imaging';
import { binningFactor, buildAnalysisGrid, toSourceGrid } from './analysis-grid';
import { selectVascularCurves } from './arterial-input';
import { detectBolusArrival, toConcentration } from './bolus-arrival';
import { findBrainMask } from './brain-mask';
import { circulantPseudoInverses } from './circulant-deconvolution';
import { removeSmallClusters } from './connected-clusters';
import type { Deconvolver } from './deconvolver';
import { eligibility, mismatchFigures } from './eligibility';
import { findHeadGeometry } from './head-geometry';
import { CORE_RELATIVE_CBF, HYPOPERFUSION_TMAX_SECONDS, REFERENCE_TMAX_SECONDS, SEVERE_TMAX_SECONDS } from './perfusion-constants';
import { DeconvolutionError, NotPerfusionSeriesError } from './perfusion.errors';
import type { PerfusionResult } from './perfusion-result';
import { CBF_SCALE, CBV_SCALE, residueArrival, residuePeak } from './residue-maps';
import { resampleCurve, uniformGrid } from './time-grid';
import { baselineNoise, tipsFilter } from './tips-filter';
import { projectOnSignalSubspace } from './temporal-subspace';
import { maskedBilateralMean, maskedMedian } from './map-filter';
import { correctTruncation, flowNoise, matchArrival, matchArrivalScored, matchedFlow, templateAmplitude, truncationBias } from './truncation-bias';
import { inheritArrival } from './arrival-inheritance';

export type PerfusionStage = 'prepare' | 'baseline' | 'mask' | 'vessels' | 'denoise' | 'deconvolution' | 'maps' | 'volumes';

export interface AnalyzePerfusionOptions {
  /** called as each stage starts, with the fraction of the work done so far */
  onProgress?: (stage: PerfusionStage, fraction: number) => void;
  /** largest in-plane pixel (mm) the analysis grid may have after block averaging (default 2) */
  maxPixelMm?: number;
  /** uniform interval of the deconvolution grid, s (default: the shortest sampling interval, 0.5 to 1 s) */
  intervalSeconds?: number;
  /** truncation thresholds (fraction of the largest singular value), least regularised first */
  svdThresholds?: readonly number[];
  /** Wu's oscillation-index limit */
  oscillationLimit?: number;
  /** temporal denoising by projection on the signal subspace (default true), and its least number of components */
  subspace?: boolean;
  minComponents?: number;
  /** a second, guided TIPS pass (default true), its spatial sigma (mm) and range scale */
  guidedPass?: boolean;
  guidedSigmaMm?: number;
  guidedRangeScale?: number;
  /** TIPS spatial sigma (mm) and range scale */
  denoiseSigmaMm?: number;
  denoiseRangeScale?: number;
  /**
   * 'naive' reads CBF and Tmax as plain oSVD does (peak height and arg max of the residue, no correction):
   * the reference the benchmarks compare against. Default 'corrected'.
   */
  estimator?: 'corrected' | 'naive';
  /** invert the simulated truncation bias of CBF and Tmax (default true) */
  correctTruncation?: boolean;
  /** CBF as the least-squares amplitude of the corrected template instead of the corrected peak (default true) */
  matchedAmplitude?: boolean;
  /** count core only where Tmax > 6 s (default true) */
  coreWithinHypoperfusion?: boolean;
  /** find each arrival by template matching (default true), up to this Tmax (default 24 s) */
  matchArrival?: boolean;
  maxTmaxSeconds?: number;
  /** half-width (s) of the arrival search around the steepest rise (default 6; large: the whole range) */
  arrivalSearchSeconds?: number;
  /** refinements of arrival and MTT together (default 0) */
  arrivalRefinements?: number;
  /** a voxel whose own arrival is unreliable gets at least this quantile of its reliable neighbours' Tmax (default: none) */
  inheritTmaxQuantile?: number;
  /**
   * choose per voxel between exponential, linear and box residue models by least squares (default false:
   * exponential only). Measured on the grid phantom, the band-limited residues of the three shapes fit each
   * other's templates within a few per cent, so the choice is not reliable; kept for study, off by default.
   */
  residueModels?: boolean;
  /** a voxel's own arrival is trusted when its flow exceeds this many noise standard deviations (default 4) */
  minArrivalSnr?: number;
  /** sigma (mm) of an in-plane mean of the Tmax map over neighbours within a few seconds (0: none), and that range (s) */
  tmaxSmoothMm?: number;
  tmaxSmoothRangeSeconds?: number;
  /** sigma (mm) of the in-plane mean of the CBF map over neighbours of similar Tmax (0: none), and that Tmax scale (s) */
  cbfSmoothMm?: number;
  cbfSmoothTmaxSeconds?: number;
  /** radius (mm) of the in-plane median applied to the Tmax map within the brain (0: none) */
  tmaxMedianMm?: number;
  /** clusters smaller than this (mL) are specks, removed from the lesion masks */
  minClusterMl?: number;
  /** a hemisphere is affected when its Tmax > 6 s volume reaches this (mL) and twice the other side's */
  minAffectedMl?: number;
}

export const DEFAULT_SVD_THRESHOLDS = [0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3] as const;
export const DEFAULT_OSCILLATION_LIMIT = 0.035;
/** above this CBV (mL/100 g) a voxel is a vessel, not tissue */
export const MAX_TISSUE_CBV = 10;
const MIN_TIME_POINTS = 10;
/** earliest arrival searched, s (tissue may lead a slightly late AIF) */
const MIN_TMAX = -3;

function validate(volume: Volume4D): void {
  const { columns, rows, slices, timePoints, data, timesSeconds } = volume;
  if (timePoints < MIN_TIME_POINTS) {
    throw new NotPerfusionSeriesError(`${timePoints} time points: a perfusion series has at least ${MIN_TIME_POINTS}`);
  }
  if (data.length !== columns * rows * slices * timePoints) {
    throw new NotPerfusionSeriesError(`data holds ${data.length} values, not ${columns} x ${rows} x ${slices} x ${timePoints}`);
  }
  if (timesSeconds.length !== timePoints) throw new NotPerfusionSeriesError(`${timesSeconds.length} times for ${timePoints} time points`);
  for (let t = 1; t < timePoints; t++) {
    if (!(timesSeconds[t] > timesSeconds[t - 1])) {
      throw new NotPerfusionSeriesError(`acquisition times do not increase at time point ${t} (${timesSeconds[t - 1]} s then ${timesSeconds[t]} s)`);
    }
  }
  if (volume.spacingMm.some((s) => !(s > 0))) throw new NotPerfusionSeriesError(`invalid spacing ${volume.spacingMm.join('\\')} mm`);
}

function mean(values: Float32Array | number[], from = 0, to = values.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += values[i];
  return s / Math.max(1, to - from);
}

/**
 * CT perfusion analysis of one 4D series (DESIGN.md "Stroke CT perfusion: the contract").
 * Fails with a typed PerfusionError, stating its reason, when the series cannot support numbers.
 */
export async function analyzePerfusion(volume: Volume4D, deconvolver: Deconvolver, options: AnalyzePerfusionOptions = {}): Promise<PerfusionResult> {
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  let clock = performance.now();
  const stage = (name: PerfusionStage, fraction: number) => {
    options.onProgress?.(name, fraction);
  };
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = (timings[name] ?? 0) + (now - clock) / 1000;
    clock = now;
  };

  stage('prepare', 0);
  validate(volume);
  const factor = binningFactor(volume.spacingMm, options.maxPixelMm ?? 2);
  const grid = buildAnalysisGrid(volume, factor);
  const T = grid.timePoints;
  const times = grid.timesSeconds;
  lap('prepare');

  stage('baseline', 0.1);
  const arrival = detectBolusArrival(grid);
  if (arrival.baselineFrames < 2) warnings.push('only one pre-contrast image: the baseline is noisy');
  const { baseline, concentration, noiseHu } = toConcentration(grid, arrival.baselineFrames);
  lap('baseline');

  stage('mask', 0.2);
  const head = findHeadGeometry(grid, baseline);
  lap('mask');

  stage('vessels', 0.25);
  const vascular = selectVascularCurves(concentration, times, head.intracranial);
  warnings.push(...vascular.warnings);
  const vesselPeakHu = Math.max(50, 0.2 * vascular.arterialShape.peak);
  const brain = findBrainMask(grid, head, baseline, concentration, vesselPeakHu);
  lap('mask/aif');

  stage('denoise', 0.35);
  let noise = Number.isFinite(noiseHu) ? noiseHu : 10;
  let source = concentration;
  if (options.subspace === true) {
    const projected = projectOnSignalSubspace(concentration, T, brain.mask, noise, { firstFrame: arrival.arrivalIndex, minComponents: options.minComponents });
    source = projected.curves;
    noise = projected.residualNoiseHu;
  }
  const tipsGeometry = {
    columns: grid.columns,
    rows: grid.rows,
    slices: grid.slices,
    pixelMm: Math.max(grid.spacingMm[0], grid.spacingMm[1]),
    firstFrame: arrival.arrivalIndex,
  };
  let denoised = tipsFilter(source, T, brain.mask, {
    ...tipsGeometry,
    noiseHu: noise,
    spatialSigmaMm: options.denoiseSigmaMm ?? 3,
    rangeScale: options.denoiseRangeScale ?? 1,
    smoothProfiles: options.subspace === false,
  });
  if (options.guidedPass !== false) {
    // Second pass: weights from the first pass's much less noisy profiles, values from the input.
    const guideNoise = baselineNoise(denoised, T, brain.mask, arrival.baselineFrames);
    denoised = tipsFilter(source, T, brain.mask, {
      ...tipsGeometry,
      noiseHu: noise,
      spatialSigmaMm: options.guidedSigmaMm ?? 5,
      rangeScale: options.guidedRangeScale ?? 0.5,
      guide: { curves: denoised, noiseHu: Number.isFinite(guideNoise) ? guideNoise : noise / 2 },
    });
  }
  lap('denoise');

  stage('deconvolution', 0.5);
  let minInterval = Infinity;
  for (let t = 1; t < T; t++) minInterval = Math.min(minInterval, times[t] - times[t - 1]);
  const interval = options.intervalSeconds ?? Math.min(1, Math.max(0.5, minInterval));
  const ugrid = uniformGrid(times, times[arrival.arrivalIndex] - 4, interval);
  const N = ugrid.count;
  const L = 2 * N;
  const arterial = new Float64Array(N);
  resampleCurve(vascular.arterial, 0, times, ugrid, arterial, 0);
  const thresholds = options.svdThresholds ?? DEFAULT_SVD_THRESHOLDS;
  const { matrices } = circulantPseudoInverses(arterial, interval, thresholds);
  const voxelIndex: number[] = [];
  for (let i = 0; i < brain.mask.length; i++) if (brain.mask[i]) voxelIndex.push(i);
  const V = voxelIndex.length;
  const curves = new Float32Array(V * L);
  voxelIndex.forEach((voxel, k) => resampleCurve(denoised, voxel * T, times, ugrid, curves, k * L));
  const result = await deconvolver.deconvolve({
    curves,
    voxelCount: V,
    length: L,
    pseudoInverses: matrices,
    levels: thresholds.length,
    oscillationLimit: options.oscillationLimit ?? DEFAULT_OSCILLATION_LIMIT,
  });
  if (result.residues.length !== V * L || result.levels.length !== V) {
    throw new DeconvolutionError(`the deconvolver returned ${result.residues.length} residue values for ${V} voxels of ${L} samples`);
  }
  lap('deconvolution');

  stage('maps', 0.8);
  const n = grid.columns * grid.rows * grid.slices;
  const cbf = new Float32Array(n);
  const cbv = new Float32Array(n);
  const mtt = new Float32Array(n);
  const tmax = new Float32Array(n);
  const tissue = Uint8Array.from(brain.mask);
  // Area of the AIF up to a time: a tissue curve delayed by Tmax holds, within the series, only what the
  // AIF delivered until (end - Tmax); dividing by the whole AIF area would read late tissue's CBV low.
  const cumulative = new Float64Array(N + 1);
  for (let j = 0; j < N; j++) cumulative[j + 1] = cumulative[j] + arterial[j];
  const arterialArea = cumulative[N];
  const arterialAreaFor = (delay: number) => {
    const x = Math.min(N, Math.max(1, N - Math.max(0, delay) / interval));
    const i = Math.floor(x);
    return i >= N ? cumulative[N] : cumulative[i] + (x - i) * (cumulative[i + 1] - cumulative[i]);
  };
  const tissueAreas = new Float32Array(V);
  const negativeLags = Math.round(5 / interval);
  const naive = options.estimator === 'naive';
  const bias =
    options.correctTruncation === false || naive
      ? null
      : truncationBias(arterial, interval, matrices, thresholds.length, negativeLags, 24, new Set(result.levels), options.residueModels === true);
  lap('bias tables');
  const areaRatios = new Float32Array(V);
  const startMtt = new Float32Array(V);
  for (let k = 0; k < V; k++) {
    const voxel = voxelIndex[k];
    const peak = naive
      ? residuePeak(result.residues, k * L, L, N, negativeLags, interval)
      : residueArrival(result.residues, k * L, L, N, negativeLags, interval);
    let area = 0;
    for (let j = 0; j < N; j++) area += curves[k * L + j];
    tissueAreas[k] = area;
    let areaRatio = area / arterialArea;
    if (bias) {
      let corrected = correctTruncation(bias, result.levels[k], peak.height, peak.time, areaRatio);
      areaRatio = area / arterialAreaFor(corrected.tmax);
      corrected = correctTruncation(bias, result.levels[k], peak.height, peak.time, areaRatio);
      cbf[voxel] = corrected.flow * CBF_SCALE;
      tmax[voxel] = corrected.tmax;
      startMtt[k] = corrected.mtt;
    } else {
      cbf[voxel] = Math.max(0, peak.height * CBF_SCALE);
      tmax[voxel] = peak.time;
    }
    areaRatios[k] = areaRatio;
    cbv[voxel] = Math.max(0, areaRatio * CBV_SCALE);
    if (cbv[voxel] > MAX_TISSUE_CBV) tissue[voxel] = 0;
  }
  // Tmax: in-plane median over the brain (edges kept, isolated noisy arrivals removed).
  const pixelMm = Math.max(grid.spacingMm[0], grid.spacingMm[1]);
  // Flow: least-squares amplitude of the template placed at the voxel's arrival. Where the signal is too
  // weak for the voxel's own arrival to mean anything (the core: flow near zero), that arrival is chosen by
  // the noise and the amplitude found there is lifted by the choice; such voxels take the arrival of the
  // reliable tissue around them (arrival varies smoothly in the brain, flow does not), so their flow is
  // read where the bolus is, not where their noise peaks.
  if (bias && options.matchedAmplitude !== false) {
    // Noise of the denoised curves, from their pre-contrast frames; on the uniform grid a sample interpolated
    // between native samples is not independent of its neighbours, which widens the amplitude's spread by
    // about sqrt(native interval / grid interval).
    const curveNoise = baselineNoise(denoised, T, brain.mask, arrival.baselineFrames);
    const intervals = Array.from({ length: T - 1 }, (_, t) => times[t + 1] - times[t]).sort((a, b) => a - b);
    const nativeInterval = intervals[intervals.length >> 1];
    const noiseForSnr = (Number.isFinite(curveNoise) ? curveNoise : noise) * Math.sqrt(Math.max(1, nativeInterval / interval));
    const maxTmax = Math.min(options.maxTmaxSeconds ?? 24, (N - 1) * interval * 0.6);
    const reliable = new Uint8Array(n);
    const flows = new Float32Array(V);
    const mtts = new Float32Array(V);
    for (let k = 0; k < V; k++) {
      const voxel = voxelIndex[k];
      if (options.matchArrival !== false) {
        // least-squares arrival of the template within 6 s of the steepest rise, then twice refined with
        // the MTT that the template's own amplitude implies (a noise-lifted peak makes the MTT short, the
        // template narrow and the arrival late)
        const level = result.levels[k];
        let m = startMtt[k] || 4;
        const halfRange = options.arrivalSearchSeconds ?? 6;
        const around =
          halfRange >= (maxTmax - MIN_TMAX) / 2 ? (maxTmax + MIN_TMAX) / 2 : Math.min(maxTmax - halfRange, Math.max(MIN_TMAX + halfRange, tmax[voxel]));
        let arrivalTime = matchArrival(bias, level, m, around, Math.min(halfRange, (maxTmax - MIN_TMAX) / 2), result.residues, k * L);
        for (let i = 0; i < (options.arrivalRefinements ?? 0); i++) {
          const amplitude = templateAmplitude(bias, level, m, arrivalTime, result.residues, k * L);
          areaRatios[k] = tissueAreas[k] / arterialAreaFor(arrivalTime);
          if (amplitude > 0 && areaRatios[k] > 0) m = Math.min(30, Math.max(0.5, areaRatios[k] / amplitude));
          arrivalTime = matchArrival(bias, level, m, arrivalTime, 2, result.residues, k * L);
        }
        tmax[voxel] = arrivalTime;
        startMtt[k] = m;
        areaRatios[k] = tissueAreas[k] / arterialAreaFor(arrivalTime);
        cbv[voxel] = Math.max(0, areaRatios[k] * CBV_SCALE);
      }
      let own = matchedFlow(bias, result.levels[k], tmax[voxel], areaRatios[k], startMtt[k], result.residues, k * L);
      const sigma = flowNoise(bias, result.levels[k], own.mtt, noiseForSnr);
      if (tissue[voxel] && own.flow > (options.minArrivalSnr ?? 5) * sigma) {
        reliable[voxel] = 1;
        if (options.residueModels === true) {
          // Which residue model explains the voxel best (exponential, linear or box)? The truncation
          // lowers the peak of each differently; correcting a plug-flow residue as if it were exponential
          // would double its flow.
          const level = result.levels[k];
          let bestModel = 0;
          let best = matchArrivalScored(bias, level, own.mtt, tmax[voxel], 0, result.residues, k * L, 0);
          for (let model = 1; model < bias.models; model++) {
            const candidate = matchArrivalScored(bias, level, own.mtt, tmax[voxel], 2, result.residues, k * L, model);
            if (candidate.score > best.score) ((best = candidate), (bestModel = model));
          }
          if (bestModel !== 0) {
            tmax[voxel] = best.arrival;
            own = matchedFlow(bias, level, best.arrival, tissueAreas[k] / arterialAreaFor(best.arrival), own.mtt, result.residues, k * L, bestModel);
          }
        }
      }
      flows[k] = own.flow;
      mtts[k] = own.mtt;
    }
    const inherited = inheritArrival(tmax, reliable, tissue, grid.columns, grid.rows, grid.slices, pixelMm);
    // Tmax where flow is too weak to time the bolus: that of the most delayed reliable tissue around
    // (hypoperfusion deepens towards the core; the voxel's own arrival would be its noise's).
    const inheritedTmax = !options.inheritTmaxQuantile
      ? null
      : inheritArrival(tmax, reliable, tissue, grid.columns, grid.rows, grid.slices, pixelMm, options.inheritTmaxQuantile);
    for (let k = 0; k < V; k++) {
      const voxel = voxelIndex[k];
      if (!reliable[voxel] && Number.isFinite(inherited[voxel])) {
        flows[k] = matchedFlow(bias, result.levels[k], inherited[voxel], areaRatios[k], mtts[k], result.residues, k * L).flow;
        if (inheritedTmax && Number.isFinite(inheritedTmax[voxel])) tmax[voxel] = Math.max(tmax[voxel], inheritedTmax[voxel]);
      }
      cbf[voxel] = flows[k] * CBF_SCALE;
    }
  }
  const medianRadius = naive ? 0 : Math.round((options.tmaxMedianMm ?? 3) / pixelMm);
  if (medianRadius > 0) tmax.set(maskedMedian(tmax, tissue, grid.columns, grid.rows, grid.slices, medianRadius));
  const tmaxSigma = (options.tmaxSmoothMm ?? 0) / pixelMm;
  if (tmaxSigma > 0) {
    tmax.set(maskedBilateralMean(tmax, tissue, grid.columns, grid.rows, grid.slices, tmaxSigma, { values: tmax, scale: options.tmaxSmoothRangeSeconds ?? 3 }));
  }
  const cbfSigma = (options.cbfSmoothMm ?? 0) / pixelMm;
  if (cbfSigma > 0) {
    cbf.set(maskedBilateralMean(cbf, tissue, grid.columns, grid.rows, grid.slices, cbfSigma, { values: tmax, scale: options.cbfSmoothTmaxSeconds ?? 2 }));
  }
  for (let k = 0; k < V; k++) {
    const voxel = voxelIndex[k];
    mtt[voxel] = cbf[voxel] > 0 ? (60 * cbv[voxel]) / cbf[voxel] : 0;
  }
  lap('maps');

  stage('volumes', 0.9);
  const minClusterVoxels = Math.max(1, Math.round((options.minClusterMl ?? 1) / grid.voxelVolumeMl));
  const hypo = new Uint8Array(n);
  const severe = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!tissue[i]) continue;
    if (tmax[i] > HYPOPERFUSION_TMAX_SECONDS) hypo[i] = 1;
    if (tmax[i] > SEVERE_TMAX_SECONDS) severe[i] = 1;
  }
  removeSmallClusters(hypo, grid.columns, grid.rows, grid.slices, minClusterVoxels);
  removeSmallClusters(severe, grid.columns, grid.rows, grid.slices, minClusterVoxels);
  let left = 0;
  let right = 0;
  for (let i = 0; i < n; i++) if (hypo[i]) head.side[i] > 0 ? left++ : right++;
  const leftMl = left * grid.voxelVolumeMl;
  const rightMl = right * grid.voxelVolumeMl;
  const minAffected = options.minAffectedMl ?? 5;
  const affectedHemisphere: 'left' | 'right' | null =
    Math.max(leftMl, rightMl) >= minAffected && Math.max(leftMl, rightMl) >= 2 * Math.min(leftMl, rightMl) ? (leftMl > rightMl ? 'left' : 'right') : null;
  const unaffectedSign = affectedHemisphere === 'left' ? -1 : affectedHemisphere === 'right' ? 1 : 0;
  const reference: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!tissue[i] || tmax[i] >= REFERENCE_TMAX_SECONDS) continue;
    if (unaffectedSign !== 0 && head.side[i] !== unaffectedSign) continue;
    reference.push(cbf[i]);
  }
  if (reference.length === 0) throw new DeconvolutionError('no normal tissue (Tmax < 4 s) to reference rCBF against');
  reference.sort((a, b) => a - b);
  const trim = Math.floor(reference.length * 0.01);
  const referenceCbf = mean(reference, trim, reference.length - trim);
  const rcbf = new Float32Array(n);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!tissue[i]) continue;
    rcbf[i] = cbf[i] / referenceCbf;
    // Core is infarcting tissue: very low flow within the hypoperfused territory.
    if (rcbf[i] < CORE_RELATIVE_CBF && (options.coreWithinHypoperfusion === false || tmax[i] > HYPOPERFUSION_TMAX_SECONDS)) core[i] = 1;
  }
  removeSmallClusters(core, grid.columns, grid.rows, grid.slices, minClusterVoxels);
  const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0) * grid.voxelVolumeMl;
  const volumes = { coreVolumeMl: count(core), hypoperfusionVolumeMl: count(hypo), tmax10VolumeMl: count(severe) };
  lap('volumes');

  const f32 = (k: number) => new Float32Array(k);
  const u8 = (k: number) => new Uint8Array(k);
  return {
    summary: {
      ...volumes,
      ...mismatchFigures(volumes),
      affectedHemisphere,
      eligibility: eligibility(volumes),
      referenceCbf,
      warnings,
    },
    maps: {
      columns: volume.columns,
      rows: volume.rows,
      slices: volume.slices,
      cbf: toSourceGrid(grid, cbf, f32),
      cbv: toSourceGrid(grid, cbv, f32),
      mtt: toSourceGrid(grid, mtt, f32),
      tmax: toSourceGrid(grid, tmax, f32),
      rcbf: toSourceGrid(grid, rcbf, f32),
      brainMask: toSourceGrid(grid, tissue, u8),
      coreMask: toSourceGrid(grid, core, u8),
      hypoperfusionMask: toSourceGrid(grid, hypo, u8),
      tmax10Mask: toSourceGrid(grid, severe, u8),
    },
    arterialInputFunction: { timesSeconds: Array.from(times), values: Array.from(vascular.arterial), voxelCount: vascular.arterialVoxels.length },
    venousOutputFunction: {
      timesSeconds: Array.from(times),
      values: vascular.venous ? Array.from(vascular.venous) : [],
      voxelCount: vascular.venousVoxels.length,
    },
    timings,
  };
}
