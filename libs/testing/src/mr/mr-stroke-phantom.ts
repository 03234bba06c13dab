import type { Volume4D } from '@nidus/imaging';
import { generateHeadPhantom, type PhantomLesionOptions } from '../phantom/head-phantom';
import { TissueLabel, type PhantomTruth } from '../phantom/phantom-truth';
import { uniformSamplingTimes } from '../phantom/sampling-times';
import { SeededRandom } from '../phantom/seeded-random';

/**
 * An MR stroke study with known answers: a DSC perfusion series (T2*-weighted gradient-echo EPI, many time
 * points per slice) and a diffusion series (b = 0 and b = 1000 s/mm^2) of one head, from the same digital head
 * phantom as the CT perfusion tests (libs/testing/src/phantom). The tracer concentration of each voxel is the
 * CT phantom's (known AIF, known residues and delays); the MR signal follows the usual DSC model
 * S(t) = S0 exp(-TE k C(t)) (linear relaxivity, the assumption DSC analysis makes), with Rician noise.
 * The diffusion core is the phantom's infarct core (rCBF < 30 %) with ADC below 620e-6 mm^2/s.
 */
export interface MrStrokePhantomOptions {
  seed: number;
  lesion?: PhantomLesionOptions | null;
  slices?: number;
  sliceThicknessMm?: number;
  dsc?: {
    columns?: number;
    fieldOfViewMm?: number;
    timePoints?: number;
    /** RepetitionTime, s: the sampling interval of the dynamic series */
    repetitionSeconds?: number;
    /** EchoTime, s (default drawn from the seed, 25-40 ms) */
    echoTimeSeconds?: number;
    /** signal-to-noise of grey matter on one image (default drawn, 60-90) */
    snr?: number;
  } | null;
  dwi?: {
    columns?: number;
    fieldOfViewMm?: number;
    /** signal-to-noise of grey matter on the b = 0 image (default drawn, 45-70) */
    snr?: number;
  } | null;
}

/** Diffusion-weighting of the trace images, s/mm^2 */
export const PHANTOM_B_VALUE = 1000;
/** The core threshold the truth uses (RAPID's), restated here so the truth does not borrow the code under test. */
export const TRUTH_CORE_ADC = 620e-6;

export interface DiffusionImages {
  columns: number;
  rows: number;
  slices: number;
  spacingMm: [number, number, number];
  ImageOrientationPatient: [number, number, number, number, number, number];
  ImagePositionPatient: [number, number, number][];
  b0: Float32Array;
  b1000: Float32Array;
  /** the true ADC, mm^2/s */
  adc: Float32Array;
  bValue: number;
}

export interface MrStrokeTruth {
  /** the DSC grid's perfusion truth (Tmax > 6 s, Tmax > 10 s on that grid) */
  perfusion: PhantomTruth | null;
  /** core on the diffusion grid: brain tissue with ADC < 620e-6 mm^2/s */
  coreMask: Uint8Array | null;
  coreVolumeMl: number;
  hypoperfusionVolumeMl: number | null;
  tmax10VolumeMl: number | null;
  mismatchVolumeMl: number | null;
  mismatchRatio: number | null;
  affectedHemisphere: 'left' | 'right' | null;
  eligibility: { defuse3: boolean; extend: boolean } | null;
}

export interface MrStrokePhantom {
  /** DSC signal (arbitrary units), null when the study has no perfusion series */
  dsc: (Volume4D & { EchoTime: number; RepetitionTime: number }) | null;
  dwi: DiffusionImages | null;
  truth: MrStrokeTruth;
  options: MrStrokePhantomOptions;
}

/** T2*-weighted gradient-echo EPI baseline signal, and T2-weighted spin-echo EPI b = 0 signal, per label. */
const DSC_S0: Record<number, number> = {
  [TissueLabel.Air]: 0,
  [TissueLabel.Scalp]: 180,
  [TissueLabel.Bone]: 25,
  [TissueLabel.Csf]: 1050,
  [TissueLabel.GreyMatter]: 620,
  [TissueLabel.WhiteMatter]: 510,
  [TissueLabel.DeepGreyMatter]: 570,
  [TissueLabel.Vessel]: 430,
};
const DWI_B0: Record<number, number> = {
  [TissueLabel.Air]: 0,
  [TissueLabel.Scalp]: 260,
  [TissueLabel.Bone]: 20,
  [TissueLabel.Csf]: 1400,
  [TissueLabel.GreyMatter]: 720,
  [TissueLabel.WhiteMatter]: 610,
  [TissueLabel.DeepGreyMatter]: 680,
  [TissueLabel.Vessel]: 180,
};
/** ADC, mm^2/s */
const ADC: Record<number, number> = {
  [TissueLabel.Air]: 0,
  [TissueLabel.Scalp]: 0.9e-3,
  [TissueLabel.Bone]: 0.3e-3,
  [TissueLabel.Csf]: 3.0e-3,
  [TissueLabel.GreyMatter]: 0.83e-3,
  [TissueLabel.WhiteMatter]: 0.73e-3,
  [TissueLabel.DeepGreyMatter]: 0.78e-3,
  [TissueLabel.Vessel]: 1.4e-3,
};

/** Magnitude of a complex signal with Gaussian noise of sd sigma in each channel (Rician). */
function magnitude(signal: number, sigma: number, random: SeededRandom): number {
  const re = signal + sigma * random.gaussian();
  const im = sigma * random.gaussian();
  return Math.sqrt(re * re + im * im);
}

function isTissue(label: number): boolean {
  return label === TissueLabel.GreyMatter || label === TissueLabel.WhiteMatter || label === TissueLabel.DeepGreyMatter;
}

function dscSeries(options: MrStrokePhantomOptions, random: SeededRandom) {
  const o = options.dsc ?? {};
  const repetition = o.repetitionSeconds ?? 1.5;
  const times = uniformSamplingTimes(o.timePoints ?? 50, repetition);
  const head = generateHeadPhantom({
    seed: options.seed,
    columns: o.columns ?? 96,
    fieldOfViewMm: o.fieldOfViewMm ?? 230,
    slices: options.slices ?? 10,
    sliceThicknessMm: options.sliceThicknessMm ?? 5,
    timesSeconds: times,
    noiseHu: 0,
    lesion: options.lesion ?? null,
  });
  const echoTime = o.echoTimeSeconds ?? random.uniform(0.025, 0.04);
  // relaxivity: the pure arterial peak gives a Delta R2* of 55-85 1/s (signal falls to a few per cent of S0)
  const peakHu = Math.max(...head.truth.arterial.values);
  const k = random.uniform(55, 85) / peakHu;
  const sigma = DSC_S0[TissueLabel.GreyMatter] / (o.snr ?? random.uniform(60, 90));
  const { volume, truth } = head;
  const voxels = volume.columns * volume.rows * volume.slices;
  const T = volume.timePoints;
  const data = new Float32Array(voxels * T);
  for (let v = 0; v < voxels; v++) {
    const label = truth.labels[v];
    const coverage = truth.vesselCoverage[v];
    const base = DSC_S0[label] ?? 0;
    const s0 = coverage > 0 && label !== TissueLabel.Vessel ? (1 - coverage) * base + coverage * DSC_S0[TissueLabel.Vessel] : base;
    const first = volume.data[v];
    for (let t = 0; t < T; t++) {
      const concentration = label === TissueLabel.Air || label === TissueLabel.Bone ? 0 : volume.data[t * voxels + v] - first;
      data[t * voxels + v] = Math.round(magnitude(s0 * Math.exp(-echoTime * k * concentration), sigma, random));
    }
  }
  return {
    volume: { ...volume, data, EchoTime: echoTime, RepetitionTime: repetition },
    truth,
  };
}

function diffusionImages(options: MrStrokePhantomOptions, random: SeededRandom) {
  const o = options.dwi ?? {};
  // the same head (same seed: same geometry and lesion), on the diffusion grid; three time points are enough for the truth
  const head = generateHeadPhantom({
    seed: options.seed,
    columns: o.columns ?? 128,
    fieldOfViewMm: o.fieldOfViewMm ?? 240,
    slices: options.slices ?? 10,
    sliceThicknessMm: options.sliceThicknessMm ?? 5,
    timesSeconds: [0, 1, 2],
    noiseHu: 0,
    lesion: options.lesion ?? null,
  });
  const { volume, truth } = head;
  const n = volume.columns * volume.rows * volume.slices;
  const sigma = DWI_B0[TissueLabel.GreyMatter] / (o.snr ?? random.uniform(45, 70));
  const b0 = new Float32Array(n);
  const b1000 = new Float32Array(n);
  const adc = new Float32Array(n);
  const coreMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = truth.labels[i];
    let s0 = DWI_B0[label] ?? 0;
    let d = ADC[label] ?? 0;
    if (isTissue(label) && truth.coreMask[i]) {
      // restricted diffusion, deeper at lower flow; a little T2 shine-through
      const depth = Math.min(1, Math.max(0, (0.3 - truth.rcbf[i]) / 0.3));
      d = 0.6e-3 - 0.18e-3 * depth;
      s0 *= 1.15;
      coreMask[i] = 1;
    }
    adc[i] = d;
    b0[i] = Math.round(magnitude(s0, sigma, random));
    b1000[i] = Math.round(magnitude(s0 * Math.exp(-PHANTOM_B_VALUE * d), sigma, random));
  }
  const coreVolumeMl = coreMask.reduce((s, v) => s + v, 0) * truth.voxelVolumeMl;
  const images: DiffusionImages = {
    columns: volume.columns,
    rows: volume.rows,
    slices: volume.slices,
    spacingMm: volume.spacingMm,
    ImageOrientationPatient: volume.ImageOrientationPatient,
    ImagePositionPatient: volume.ImagePositionPatient,
    b0,
    b1000,
    adc,
    bValue: PHANTOM_B_VALUE,
  };
  return { images, coreMask, coreVolumeMl, lesionSide: truth.affectedHemisphere };
}

/** DEFUSE 3 and EXTEND (DESIGN.md), restated for the truth. */
function truthEligibility(core: number, hypo: number): { mismatch: number; ratio: number | null; defuse3: boolean; extend: boolean } {
  const mismatch = Math.max(0, hypo - core);
  const ratio = core > 0 ? hypo / core : null;
  const ratioOk = (limit: number, strict: boolean) => (ratio === null ? hypo > 0 : strict ? ratio > limit : ratio >= limit);
  return { mismatch, ratio, defuse3: core < 70 && mismatch >= 15 && ratioOk(1.8, false), extend: core < 70 && mismatch > 10 && ratioOk(1.2, true) };
}

/** Generates the study; `dsc: null` or `dwi: null` leaves that series out (a study missing it). */
export function generateMrStrokePhantom(options: MrStrokePhantomOptions): MrStrokePhantom {
  const random = new SeededRandom(options.seed * 7919 + 17);
  const dsc = options.dsc === null ? null : dscSeries(options, random);
  const dwi = options.dwi === null ? null : diffusionImages(options, random);
  const core = dwi?.coreVolumeMl ?? 0;
  const perfusion = dsc?.truth ?? null;
  const hypo = perfusion ? perfusion.volumes.hypoperfusionVolumeMl : null;
  const verdict = hypo !== null && dwi ? truthEligibility(core, hypo) : null;
  return {
    dsc: dsc?.volume ?? null,
    dwi: dwi?.images ?? null,
    truth: {
      perfusion,
      coreMask: dwi?.coreMask ?? null,
      coreVolumeMl: core,
      hypoperfusionVolumeMl: hypo,
      tmax10VolumeMl: perfusion ? perfusion.volumes.tmax10VolumeMl : null,
      mismatchVolumeMl: verdict?.mismatch ?? null,
      mismatchRatio: verdict?.ratio ?? null,
      affectedHemisphere: options.lesion?.side ?? null,
      eligibility: verdict ? { defuse3: verdict.defuse3, extend: verdict.extend } : null,
    },
    options,
  };
}
