import type { AnalysisGrid } from './analysis-grid';
import type { VascularCurves } from './arterial-input';
import { patientPosition } from './head-geometry';
import type { MotionReport } from './motion.stage';

/** The venous curve still holds more than this fraction of its peak at the last image: the bolus was cut short. */
export const TRUNCATED_VENOUS_FRACTION = 0.35;
/** Less than this fraction of the brain parenchyma carries maps: too little to trust the volumes. */
export const MIN_USABLE_BRAIN_FRACTION = 0.7;
/** An arterial curve peaking lower than this (HU above baseline) is too weak to reference flow reliably. */
export const MIN_ARTERIAL_PEAK_HU = 80;
/** Corrected motion beyond what the method was validated on (mm, degrees): worth saying. */
export const VALIDATED_SHIFT_MM = 5;
export const VALIDATED_ROTATION_DEGREES = 3;

export type QualityConfidence = 'high' | 'reduced' | 'low';

export interface PerfusionQuality {
  /** high: nothing found; reduced: one problem; low: two or more */
  confidence: QualityConfidence;
  /** one line per problem, for a pager screen */
  problems: string[];
  /** the venous curve at the last image over its peak (null without a venous curve) */
  venousEndFraction: number | null;
  /** the venous curve not back towards baseline at the end of the scan */
  bolusTruncated: boolean;
  /** brain parenchyma (intracranial, pre-contrast 15-60 HU) that carries maps, 0..1 */
  usableBrainFraction: number;
  /** patient positions (LPS, mm) of the voxels averaged into the arterial and venous curves */
  arterialLocationsMm: [number, number, number][];
  venousLocationsMm: [number, number, number][];
}

export interface QualityInputs {
  grid: AnalysisGrid;
  vascular: VascularCurves;
  motion: MotionReport;
  /** voxels carrying maps, and the brain parenchyma they are counted against */
  tissue: Uint8Array;
  parenchyma: Uint8Array;
}

function locations(grid: AnalysisGrid, voxels: number[]): [number, number, number][] {
  const { columns: C, rows: R } = grid;
  return voxels.map((v) => {
    const z = Math.floor(v / (C * R));
    const y = Math.floor((v - z * C * R) / C);
    const x = v - z * C * R - y * C;
    return patientPosition(grid, x, y, z).map((c) => Math.round(c * 10) / 10) as [number, number, number];
  });
}

/**
 * Stage 9: what a radiologist checks before trusting the numbers (after the RAPID-style QC page): where the
 * arterial and venous curves come from, whether the bolus was cut short (the venous curve not back towards baseline
 * at the last image), how much of the brain carries maps, and how much the head moved. Each problem is one line;
 * the confidence falls with their number.
 */
export function assessQuality(inputs: QualityInputs): PerfusionQuality {
  const { grid, vascular, motion } = inputs;
  const problems: string[] = [];

  let venousEndFraction: number | null = null;
  if (vascular.venous && vascular.venous.length > 0) {
    const peak = Math.max(...vascular.venous);
    venousEndFraction = peak > 0 ? Math.round((vascular.venous[vascular.venous.length - 1] / peak) * 1000) / 1000 : null;
  }
  const bolusTruncated = venousEndFraction !== null && venousEndFraction > TRUNCATED_VENOUS_FRACTION;
  if (venousEndFraction === null) problems.push('no venous curve: the bolus passage cannot be checked');
  else if (bolusTruncated)
    problems.push(`bolus truncated: the venous curve is still at ${Math.round(100 * venousEndFraction)} % of its peak at the end of the scan`);

  let parenchyma = 0;
  let usable = 0;
  for (let i = 0; i < inputs.parenchyma.length; i++) if (inputs.parenchyma[i]) (parenchyma++, inputs.tissue[i] && usable++);
  const usableBrainFraction = parenchyma > 0 ? Math.round((usable / parenchyma) * 1000) / 1000 : 0;
  if (usableBrainFraction < MIN_USABLE_BRAIN_FRACTION) problems.push(`only ${Math.round(100 * usableBrainFraction)} % of the brain could be analysed`);

  if (vascular.arterialShape.peak < MIN_ARTERIAL_PEAK_HU)
    problems.push(`weak arterial input: it peaks ${Math.round(vascular.arterialShape.peak)} HU above baseline`);

  if (motion.excluded > 0) problems.push(`head motion: ${motion.excluded} of ${motion.timePoints.length} images left out`);
  else if (motion.maxShiftMm > VALIDATED_SHIFT_MM || motion.maxRotationDegrees > VALIDATED_ROTATION_DEGREES) {
    problems.push(`head moved ${motion.maxShiftMm.toFixed(1)} mm and ${motion.maxRotationDegrees.toFixed(1)} degrees (corrected)`);
  }

  return {
    confidence: problems.length === 0 ? 'high' : problems.length === 1 ? 'reduced' : 'low',
    problems,
    venousEndFraction,
    bolusTruncated,
    usableBrainFraction,
    arterialLocationsMm: locations(grid, vascular.arterialVoxels),
    venousLocationsMm: locations(grid, vascular.venousVoxels),
  };
}

/** Brain parenchyma for the usable fraction: intracranial voxels whose pre-contrast HU is in the brain window. */
export function parenchymaOf(intracranial: Uint8Array, baseline: Float32Array, minHu: number, maxHu: number): Uint8Array {
  return intracranial.map((inside, i) => (inside && baseline[i] >= minHu && baseline[i] <= maxHu ? 1 : 0));
}
