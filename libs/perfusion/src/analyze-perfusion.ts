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
import {
  CORE_RELATIVE_CBF,
  HYPOPERFUSION_TMAX_SECONDS,
  REFERENCE_TMAX_SECONDS,
  SEVERE_TMAX_SECONDS,
} from './perfusion-constants';
import { DeconvolutionError, NotPerfusionSeriesError } from './perfusion.errors';
import type { PerfusionResult } from './perfusion-result';
import { CBF_SCALE, CBV_SCALE, residueArrival } from './residue-maps';
import { resampleCurve, uniformGrid } from './time-grid';
import { tipsFilter } from './tips-filter';

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
  /** TIPS spatial sigma (mm) and range scale */
  denoiseSigmaMm?: number;
  denoiseRangeScale?: number;
  /** clusters smaller than this (mL) are specks, removed from the lesion masks */
  minClusterMl?: number;
  /** a hemisphere is affected when its Tmax > 6 s volume reaches this (mL) and twice the other side's */
  minAffectedMl?: number;
}

export const DEFAULT_SVD_THRESHOLDS = [0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3] as const;
export const DEFAULT_OSCILLATION_LIMIT = 0.095;
/** above this CBV (mL/100 g) a voxel is a vessel, not tissue */
export const MAX_TISSUE_CBV = 10;
const MIN_TIME_POINTS = 10;

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
  const noise = Number.isFinite(noiseHu) ? noiseHu : 10;
  const denoised = tipsFilter(concentration, T, brain.mask, {
    columns: grid.columns,
    rows: grid.rows,
    slices: grid.slices,
    pixelMm: Math.max(grid.spacingMm[0], grid.spacingMm[1]),
    noiseHu: noise,
    spatialSigmaMm: options.denoiseSigmaMm,
    rangeScale: options.denoiseRangeScale,
    firstFrame: arrival.arrivalIndex,
  });
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
  let arterialArea = 0;
  for (let j = 0; j < N; j++) arterialArea += arterial[j];
  const negativeLags = Math.round(5 / interval);
  for (let k = 0; k < V; k++) {
    const voxel = voxelIndex[k];
    const peak = residueArrival(result.residues, k * L, L, N, negativeLags, interval);
    let area = 0;
    for (let j = 0; j < N; j++) area += curves[k * L + j];
    cbf[voxel] = Math.max(0, peak.height * CBF_SCALE);
    cbv[voxel] = Math.max(0, (area / arterialArea) * CBV_SCALE);
    mtt[voxel] = cbf[voxel] > 0 ? (60 * cbv[voxel]) / cbf[voxel] : 0;
    tmax[voxel] = peak.time;
    if (cbv[voxel] > MAX_TISSUE_CBV) tissue[voxel] = 0;
  }
  lap('maps');

  stage('volumes', 0.9);
  const minClusterVoxels = Math.max(1, Math.round((options.minClusterMl ?? 0.3) / grid.voxelVolumeMl));
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
    if (rcbf[i] < CORE_RELATIVE_CBF && tmax[i] > HYPOPERFUSION_TMAX_SECONDS) core[i] = 1;
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
