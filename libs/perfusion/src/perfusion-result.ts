import type { MotionReport } from './motion.stage';
import type { PerfusionQuality } from './quality.stage';

/**
 * What a CT perfusion analysis returns: the contract of DESIGN.md ("Stroke CT perfusion: the contract"),
 * plus the maps and masks that the results writers (SEG, SR, summary images) draw from.
 * Shared contract between libs/perfusion, libs/pipeline and the writers: change with care.
 */
export interface PerfusionEligibility {
  /** core < 70 mL, mismatch >= 15 mL, mismatch ratio >= 1.8 */
  defuse3: boolean;
  /** core < 70 mL, mismatch > 10 mL, mismatch ratio > 1.2 */
  extend: boolean;
}

export interface PerfusionSummary {
  coreVolumeMl: number;
  hypoperfusionVolumeMl: number;
  tmax10VolumeMl: number;
  mismatchVolumeMl: number;
  /** hypoperfusion / core; null when the core is zero (ratio undefined) */
  mismatchRatio: number | null;
  /** tmax10 / hypoperfusion; null when there is no hypoperfusion */
  hypoperfusionIntensityRatio: number | null;
  affectedHemisphere: 'left' | 'right' | null;
  eligibility: PerfusionEligibility;
  /** added by libs/perfusion: mean CBF (mL/100 g/min) of the normal tissue (Tmax < 4 s, unaffected side) that rCBF is relative to */
  referenceCbf?: number;
  warnings: string[];
}

/** Parametric maps and masks on the source grid (slices x rows x columns), index (z * rows + y) * columns + x. */
export interface PerfusionMaps {
  columns: number;
  rows: number;
  slices: number;
  /** mL / 100 g / min */
  cbf: Float32Array;
  /** mL / 100 g */
  cbv: Float32Array;
  /** s */
  mtt: Float32Array;
  /** s */
  tmax: Float32Array;
  /** rCBF as a fraction of normal tissue (1 = normal) */
  rcbf: Float32Array;
  brainMask: Uint8Array;
  coreMask: Uint8Array;
  /** Tmax > 6 s */
  hypoperfusionMask: Uint8Array;
  /** Tmax > 10 s */
  tmax10Mask: Uint8Array;
}

export interface PerfusionResult {
  summary: PerfusionSummary;
  maps: PerfusionMaps;
  /** arterial and venous curves chosen, for display and audit: concentration (HU above baseline) per time point */
  arterialInputFunction: { timesSeconds: number[]; values: number[]; voxelCount: number };
  venousOutputFunction: { timesSeconds: number[]; values: number[]; voxelCount: number };
  /** head motion per time point relative to the first image, as estimated and corrected (motion.stage.ts) */
  motion: MotionReport;
  /** what a radiologist checks before trusting the numbers: curve locations, bolus truncation, usable brain, confidence */
  quality: PerfusionQuality;
  /** seconds spent in each stage */
  timings: Record<string, number>;
}
