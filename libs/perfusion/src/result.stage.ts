import { toSourceGrid, type AnalysisGrid } from './analysis-grid';
import type { VascularCurves } from './arterial-input';
import { eligibility, mismatchFigures } from './eligibility';
import type { HaemodynamicMaps } from './haemodynamic-maps.stage';
import type { Lesions } from './lesions.stage';
import type { MotionReport } from './motion.stage';
import type { PerfusionQuality } from './quality.stage';
import type { PerfusionResult } from './perfusion-result';

const f32 = (k: number) => new Float32Array(k);
const u8 = (k: number) => new Uint8Array(k);

/**
 * Stage 10: the result contract (PerfusionResult): volumes with mismatch figures and DEFUSE 3 / EXTEND
 * verdicts, the maps and masks copied back onto the source grid, the AIF and VOF for audit, motion and quality.
 */
export function assembleResult(
  grid: AnalysisGrid,
  vascular: VascularCurves,
  maps: HaemodynamicMaps,
  lesions: Lesions,
  warnings: string[],
  timings: Record<string, number>,
  motion: MotionReport,
  quality: PerfusionQuality,
): PerfusionResult {
  const { volumes } = lesions;
  const times = Array.from(grid.timesSeconds);
  return {
    summary: {
      ...volumes,
      ...mismatchFigures(volumes),
      affectedHemisphere: lesions.affectedHemisphere,
      eligibility: eligibility(volumes),
      referenceCbf: lesions.referenceCbf,
      warnings,
    },
    maps: {
      columns: grid.source.columns,
      rows: grid.source.rows,
      slices: grid.source.slices,
      cbf: toSourceGrid(grid, maps.cbf, f32),
      cbv: toSourceGrid(grid, maps.cbv, f32),
      mtt: toSourceGrid(grid, maps.mtt, f32),
      tmax: toSourceGrid(grid, maps.tmax, f32),
      rcbf: toSourceGrid(grid, lesions.rcbf, f32),
      brainMask: toSourceGrid(grid, maps.tissue, u8),
      coreMask: toSourceGrid(grid, lesions.core, u8),
      hypoperfusionMask: toSourceGrid(grid, lesions.hypoperfusion, u8),
      tmax10Mask: toSourceGrid(grid, lesions.severe, u8),
    },
    arterialInputFunction: { timesSeconds: times, values: Array.from(vascular.arterial), voxelCount: vascular.arterialVoxels.length },
    venousOutputFunction: {
      timesSeconds: [...times],
      values: vascular.venous ? Array.from(vascular.venous) : [],
      voxelCount: vascular.venousVoxels.length,
    },
    motion,
    quality,
    timings,
  };
}
