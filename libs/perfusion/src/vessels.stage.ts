import type { AnalysisGrid } from './analysis-grid';
import { selectVascularCurves, type VascularCurves } from './arterial-input';
import { findBrainMask, type BrainMask } from './brain-mask';
import type { HeadGeometry } from './head-geometry';

export interface VesselsAndBrain {
  vascular: VascularCurves;
  brain: BrainMask;
}

/** A voxel is a vessel when its peak enhancement exceeds this (HU): a fifth of the AIF's peak, at least 50 HU. */
export function vesselPeakHu(arterialPeakHu: number): number {
  return Math.max(50, 0.2 * arterialPeakHu);
}

/**
 * Stage 3 (after the head geometry): automatic AIF and VOF within the skull, then the brain mask without
 * bone, CSF and the vessels that enhance above vesselPeakHu of that AIF (parenchyma: the signal model's, else CT's HU
 * window); after motion correction, both without the skull's edge.
 */
export function findVesselsAndBrain(
  grid: AnalysisGrid,
  head: HeadGeometry,
  baseline: Float32Array,
  concentration: Float32Array,
  skullEdge: Uint8Array | null = null,
  parenchyma?: Uint8Array,
): VesselsAndBrain {
  const candidates = skullEdge ? head.intracranial.map((inside, i) => (inside && !skullEdge[i] ? 1 : 0)) : head.intracranial;
  const vascular = selectVascularCurves(concentration, grid.timesSeconds, candidates);
  const brain = findBrainMask(grid, head, baseline, concentration, vesselPeakHu(vascular.arterialShape.peak), undefined, skullEdge, parenchyma);
  return { vascular, brain };
}
