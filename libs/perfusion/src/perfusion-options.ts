import type { SignalModel } from './signal-model';
import { MIN_SUBSPACE_COMPONENTS } from './temporal-subspace';

export type PerfusionStage = 'prepare' | 'motion' | 'baseline' | 'mask' | 'vessels' | 'denoise' | 'deconvolution' | 'maps' | 'volumes';

/**
 * What callers of analyzePerfusion may set; every field is optional and its default is in
 * DEFAULT_PERFUSION_OPTIONS. resolvePerfusionOptions groups them per stage.
 */
export interface AnalyzePerfusionOptions {
  /** how images become concentration, head and parenchyma (default CT_SIGNAL_MODEL; MR DSC: dscSignalModel) */
  signalModel?: SignalModel;
  /** called as each stage starts, with the fraction of the work done so far */
  onProgress?: (stage: PerfusionStage, fraction: number) => void;
  /** largest in-plane pixel (mm) the analysis grid may have after block averaging (default 2) */
  maxPixelMm?: number;
  /** register every time point to the first image and resample the moved ones (default true) */
  motionCorrection?: boolean;
  /** a time point whose head centre moved more than this (mm, default 10) or turned more than this (degrees, default 6) is left out */
  motionLimitMm?: number;
  motionLimitDegrees?: number;
  /** more than this fraction of left-out time points refuses the study (default 0.25) */
  maxExcludedFraction?: number;
  /** uniform interval of the deconvolution grid, s (default: the shortest sampling interval, clamped to 0.5-1 s) */
  intervalSeconds?: number;
  /** truncation thresholds (fraction of the largest singular value), least regularised first (default DEFAULT_SVD_THRESHOLDS) */
  svdThresholds?: readonly number[];
  /** Wu's oscillation-index limit (default 0.035) */
  oscillationLimit?: number;
  /**
   * temporal denoising by projection on the signal subspace before TIPS: only when true (default off).
   * An explicit false (not a missing value) also smooths the profiles TIPS compares [1 2 1] / 4 in time.
   */
  subspace?: boolean;
  /** least number of components the projection keeps (default 6) */
  minComponents?: number;
  /** a second, guided TIPS pass (default true), its spatial sigma (default 5 mm) and range scale (default 0.5) */
  guidedPass?: boolean;
  guidedSigmaMm?: number;
  guidedRangeScale?: number;
  /** TIPS spatial sigma (default 3 mm) and range scale (default 1) */
  denoiseSigmaMm?: number;
  denoiseRangeScale?: number;
  /**
   * 'naive' reads CBF and Tmax as plain oSVD does (peak height and arg max of the residue, no correction,
   * no Tmax median): the reference the benchmarks compare against. Default 'corrected'.
   */
  estimator?: 'corrected' | 'naive';
  /** invert the simulated truncation bias of CBF and Tmax (default true; always off with 'naive') */
  correctTruncation?: boolean;
  /** CBF as the least-squares amplitude of the corrected template instead of the corrected peak (default true; needs the correction) */
  matchedAmplitude?: boolean;
  /** count core only where Tmax > 6 s (default true) */
  coreWithinHypoperfusion?: boolean;
  /** find each arrival by template matching (default true), up to this Tmax (default 24 s, at most 60 % of the uniform grid) */
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
  /** a voxel's own arrival is trusted when its flow exceeds this many noise standard deviations (default 5) */
  minArrivalSnr?: number;
  /** sigma (mm) of an in-plane mean of the Tmax map over neighbours within a few seconds (default 0: none), and that range (default 3 s) */
  tmaxSmoothMm?: number;
  tmaxSmoothRangeSeconds?: number;
  /** sigma (mm) of the in-plane mean of the CBF map over neighbours of similar Tmax (default 0: none), and that Tmax scale (default 2 s) */
  cbfSmoothMm?: number;
  cbfSmoothTmaxSeconds?: number;
  /** radius (mm) of the in-plane median applied to the Tmax map within the brain (default 3; 0: none; none with 'naive') */
  tmaxMedianMm?: number;
  /** clusters smaller than this (mL) are specks, removed from the lesion masks (default 1) */
  minClusterMl?: number;
  /** a hemisphere is affected when its Tmax > 6 s volume reaches this (default 5 mL) and twice the other side's */
  minAffectedMl?: number;
}

export const DEFAULT_SVD_THRESHOLDS = [0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3] as const;
export const DEFAULT_OSCILLATION_LIMIT = 0.035;

export interface GridOptions {
  /** largest in-plane pixel (mm) after block averaging */
  maxPixelMm: number;
}

export interface MotionOptions {
  enabled: boolean;
  /** shift of the head's centre (mm) and turn (degrees) beyond which a time point is left out */
  limitMm: number;
  limitDegrees: number;
  /** frames whose skull moved less than this (mm) are not resampled */
  minCorrectionMm: number;
  /** bone residual after alignment (relative) above which a time point counts as not aligned, and is left out */
  maxMismatch: number;
  maxExcludedFraction: number;
}

export interface DenoiseOptions {
  /** project on the signal subspace first, keeping at least minComponents */
  subspace: boolean;
  minComponents: number;
  /** smooth the profiles that the first TIPS pass compares [1 2 1] / 4 in time */
  smoothProfiles: boolean;
  sigmaMm: number;
  rangeScale: number;
  guidedPass: boolean;
  guidedSigmaMm: number;
  guidedRangeScale: number;
}

export interface DeconvolutionOptions {
  /** null: the shortest sampling interval, clamped to 0.5-1 s */
  intervalSeconds: number | null;
  svdThresholds: readonly number[];
  oscillationLimit: number;
}

export interface MapOptions {
  /** 'naive': peak height and arg max of the residue, as plain oSVD reads them */
  estimator: 'corrected' | 'naive';
  correctTruncation: boolean;
  matchedAmplitude: boolean;
  matchArrival: boolean;
  maxTmaxSeconds: number;
  arrivalSearchSeconds: number;
  arrivalRefinements: number;
  /** null: unreliable voxels keep their own Tmax */
  inheritTmaxQuantile: number | null;
  residueModels: boolean;
  minArrivalSnr: number;
  tmaxMedianMm: number;
  tmaxSmoothMm: number;
  tmaxSmoothRangeSeconds: number;
  cbfSmoothMm: number;
  cbfSmoothTmaxSeconds: number;
}

export interface LesionOptions {
  coreWithinHypoperfusion: boolean;
  minClusterMl: number;
  minAffectedMl: number;
}

/** The options of each stage, all set. */
export interface PerfusionSettings {
  grid: GridOptions;
  motion: MotionOptions;
  denoise: DenoiseOptions;
  deconvolution: DeconvolutionOptions;
  maps: MapOptions;
  lesions: LesionOptions;
}

/** The defaults, in one place (the doc comments of AnalyzePerfusionOptions state the same values). */
export const DEFAULT_PERFUSION_OPTIONS: Readonly<PerfusionSettings> = Object.freeze({
  grid: Object.freeze({ maxPixelMm: 2 }),
  motion: Object.freeze({ enabled: true, limitMm: 10, limitDegrees: 6, minCorrectionMm: 0.1, maxMismatch: 0.5, maxExcludedFraction: 0.25 }),
  denoise: Object.freeze({
    subspace: false,
    minComponents: MIN_SUBSPACE_COMPONENTS,
    smoothProfiles: false,
    sigmaMm: 3,
    rangeScale: 1,
    guidedPass: true,
    guidedSigmaMm: 5,
    guidedRangeScale: 0.5,
  }),
  deconvolution: Object.freeze({ intervalSeconds: null, svdThresholds: DEFAULT_SVD_THRESHOLDS, oscillationLimit: DEFAULT_OSCILLATION_LIMIT }),
  maps: Object.freeze({
    estimator: 'corrected',
    correctTruncation: true,
    matchedAmplitude: true,
    matchArrival: true,
    maxTmaxSeconds: 24,
    arrivalSearchSeconds: 6,
    arrivalRefinements: 0,
    inheritTmaxQuantile: null,
    residueModels: false,
    minArrivalSnr: 5,
    tmaxMedianMm: 3,
    tmaxSmoothMm: 0,
    tmaxSmoothRangeSeconds: 3,
    cbfSmoothMm: 0,
    cbfSmoothTmaxSeconds: 2,
  }),
  lesions: Object.freeze({ coreWithinHypoperfusion: true, minClusterMl: 1, minAffectedMl: 5 }),
});

/**
 * The caller's flat options grouped per stage, defaults filled in. A boolean counts as off only when
 * false for options on by default, and as on only when true for those off by default.
 */
export function resolvePerfusionOptions(options: AnalyzePerfusionOptions = {}): PerfusionSettings {
  const d = DEFAULT_PERFUSION_OPTIONS;
  const naive = options.estimator === 'naive';
  return {
    grid: { maxPixelMm: options.maxPixelMm ?? d.grid.maxPixelMm },
    motion: {
      ...d.motion,
      enabled: options.motionCorrection !== false,
      limitMm: options.motionLimitMm ?? d.motion.limitMm,
      limitDegrees: options.motionLimitDegrees ?? d.motion.limitDegrees,
      maxExcludedFraction: options.maxExcludedFraction ?? d.motion.maxExcludedFraction,
    },
    denoise: {
      subspace: options.subspace === true,
      minComponents: options.minComponents ?? d.denoise.minComponents,
      smoothProfiles: options.subspace === false,
      sigmaMm: options.denoiseSigmaMm ?? d.denoise.sigmaMm,
      rangeScale: options.denoiseRangeScale ?? d.denoise.rangeScale,
      guidedPass: options.guidedPass !== false,
      guidedSigmaMm: options.guidedSigmaMm ?? d.denoise.guidedSigmaMm,
      guidedRangeScale: options.guidedRangeScale ?? d.denoise.guidedRangeScale,
    },
    deconvolution: {
      intervalSeconds: options.intervalSeconds ?? d.deconvolution.intervalSeconds,
      svdThresholds: options.svdThresholds ?? d.deconvolution.svdThresholds,
      oscillationLimit: options.oscillationLimit ?? d.deconvolution.oscillationLimit,
    },
    maps: {
      estimator: naive ? 'naive' : 'corrected',
      // plain oSVD: no correction of the truncation, no median on Tmax
      correctTruncation: !naive && options.correctTruncation !== false,
      matchedAmplitude: options.matchedAmplitude !== false,
      matchArrival: options.matchArrival !== false,
      maxTmaxSeconds: options.maxTmaxSeconds ?? d.maps.maxTmaxSeconds,
      arrivalSearchSeconds: options.arrivalSearchSeconds ?? d.maps.arrivalSearchSeconds,
      arrivalRefinements: options.arrivalRefinements ?? d.maps.arrivalRefinements,
      inheritTmaxQuantile: options.inheritTmaxQuantile || d.maps.inheritTmaxQuantile,
      residueModels: options.residueModels === true,
      minArrivalSnr: options.minArrivalSnr ?? d.maps.minArrivalSnr,
      tmaxMedianMm: naive ? 0 : (options.tmaxMedianMm ?? d.maps.tmaxMedianMm),
      tmaxSmoothMm: options.tmaxSmoothMm ?? d.maps.tmaxSmoothMm,
      tmaxSmoothRangeSeconds: options.tmaxSmoothRangeSeconds ?? d.maps.tmaxSmoothRangeSeconds,
      cbfSmoothMm: options.cbfSmoothMm ?? d.maps.cbfSmoothMm,
      cbfSmoothTmaxSeconds: options.cbfSmoothTmaxSeconds ?? d.maps.cbfSmoothTmaxSeconds,
    },
    lesions: {
      coreWithinHypoperfusion: options.coreWithinHypoperfusion !== false,
      minClusterMl: options.minClusterMl ?? d.lesions.minClusterMl,
      minAffectedMl: options.minAffectedMl ?? d.lesions.minAffectedMl,
    },
  };
}
