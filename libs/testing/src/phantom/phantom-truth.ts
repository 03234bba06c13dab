export enum TissueLabel {
  Air = 0,
  Scalp = 1,
  Bone = 2,
  Csf = 3,
  GreyMatter = 4,
  WhiteMatter = 5,
  DeepGreyMatter = 6,
  Vessel = 7,
}

/** Thresholds of the DESIGN.md contract, restated here so the truth does not borrow the code under test. */
export const TRUTH_CORE_RELATIVE_CBF = 0.3;
export const TRUTH_REFERENCE_TMAX_SECONDS = 4;
/** voxels touched this much by a vessel are not tissue in the truth */
export const TRUTH_VESSEL_COVERAGE_LIMIT = 0.02;

export interface PhantomTruthVolumes {
  coreVolumeMl: number;
  hypoperfusionVolumeMl: number;
  tmax10VolumeMl: number;
  mismatchVolumeMl: number;
  mismatchRatio: number | null;
  hypoperfusionIntensityRatio: number | null;
}

/** Per-voxel truth on the phantom's grid (index (z * rows + y) * columns + x) and what follows from it. */
export interface PhantomTruth {
  columns: number;
  rows: number;
  slices: number;
  voxelVolumeMl: number;
  labels: Uint8Array;
  vesselCoverage: Float32Array;
  /** +1 patient's left, -1 patient's right (head frame) */
  side: Int8Array;
  /** mL/100 g/min, mL/100 g, s, s (Tmax of a non-increasing residue is its delay) */
  cbf: Float32Array;
  cbv: Float32Array;
  mtt: Float32Array;
  tmax: Float32Array;
  delay: Float32Array;
  brainMask: Uint8Array;
  referenceCbf: number;
  rcbf: Float32Array;
  coreMask: Uint8Array;
  hypoperfusionMask: Uint8Array;
  tmax10Mask: Uint8Array;
  volumes: PhantomTruthVolumes;
  affectedHemisphere: 'left' | 'right' | null;
  eligibility: { defuse3: boolean; extend: boolean };
  arterial: { timesSeconds: number[]; values: number[]; areaHuSeconds: number };
}

export interface PhantomTruthInput {
  columns: number;
  rows: number;
  slices: number;
  voxelVolumeMl: number;
  labels: Uint8Array;
  vesselCoverage: Float32Array;
  side: Int8Array;
  cbf: Float32Array;
  cbv: Float32Array;
  mtt: Float32Array;
  delay: Float32Array;
  lesionSide: 'left' | 'right' | null;
  arterialTimesSeconds: number[];
  arterialCurve: number[];
  arterialArea: number;
}

/** Truth masks and volumes from the per-voxel parameters, by the definitions of DESIGN.md. */
export function computePhantomTruth(input: PhantomTruthInput): PhantomTruth {
  const n = input.labels.length;
  const brainMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = input.labels[i];
    const tissue = label === TissueLabel.GreyMatter || label === TissueLabel.WhiteMatter || label === TissueLabel.DeepGreyMatter;
    brainMask[i] = tissue && input.vesselCoverage[i] < TRUTH_VESSEL_COVERAGE_LIMIT ? 1 : 0;
  }
  const tmax = Float32Array.from(input.delay);
  const unaffectedSign = input.lesionSide === 'left' ? -1 : input.lesionSide === 'right' ? 1 : 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!brainMask[i] || tmax[i] >= TRUTH_REFERENCE_TMAX_SECONDS) continue;
    if (unaffectedSign !== 0 && input.side[i] !== unaffectedSign) continue;
    sum += input.cbf[i];
    count++;
  }
  const referenceCbf = count > 0 ? sum / count : NaN;
  const rcbf = new Float32Array(n);
  const coreMask = new Uint8Array(n);
  const hypoperfusionMask = new Uint8Array(n);
  const tmax10Mask = new Uint8Array(n);
  let core = 0;
  let hypo = 0;
  let tmax10 = 0;
  for (let i = 0; i < n; i++) {
    if (!brainMask[i]) continue;
    rcbf[i] = input.cbf[i] / referenceCbf;
    if (rcbf[i] < TRUTH_CORE_RELATIVE_CBF) ((coreMask[i] = 1), core++);
    if (tmax[i] > 6) ((hypoperfusionMask[i] = 1), hypo++);
    if (tmax[i] > 10) ((tmax10Mask[i] = 1), tmax10++);
  }
  const coreVolumeMl = core * input.voxelVolumeMl;
  const hypoperfusionVolumeMl = hypo * input.voxelVolumeMl;
  const tmax10VolumeMl = tmax10 * input.voxelVolumeMl;
  const mismatchVolumeMl = Math.max(0, hypoperfusionVolumeMl - coreVolumeMl);
  const mismatchRatio = coreVolumeMl > 0 ? hypoperfusionVolumeMl / coreVolumeMl : null;
  const ratioOk = (limit: number, strict: boolean) =>
    mismatchRatio === null ? hypoperfusionVolumeMl > 0 : strict ? mismatchRatio > limit : mismatchRatio >= limit;
  return {
    columns: input.columns,
    rows: input.rows,
    slices: input.slices,
    voxelVolumeMl: input.voxelVolumeMl,
    labels: input.labels,
    vesselCoverage: input.vesselCoverage,
    side: input.side,
    cbf: input.cbf,
    cbv: input.cbv,
    mtt: input.mtt,
    tmax,
    delay: input.delay,
    brainMask,
    referenceCbf,
    rcbf,
    coreMask,
    hypoperfusionMask,
    tmax10Mask,
    volumes: {
      coreVolumeMl,
      hypoperfusionVolumeMl,
      tmax10VolumeMl,
      mismatchVolumeMl,
      mismatchRatio,
      hypoperfusionIntensityRatio: hypoperfusionVolumeMl > 0 ? tmax10VolumeMl / hypoperfusionVolumeMl : null,
    },
    affectedHemisphere: input.lesionSide,
    eligibility: {
      defuse3: coreVolumeMl < 70 && mismatchVolumeMl >= 15 && ratioOk(1.8, false),
      extend: coreVolumeMl < 70 && mismatchVolumeMl > 10 && ratioOk(1.2, true),
    },
    arterial: { timesSeconds: input.arterialTimesSeconds, values: input.arterialCurve, areaHuSeconds: input.arterialArea },
  };
}
