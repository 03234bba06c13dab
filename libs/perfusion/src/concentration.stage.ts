import type { AnalysisGrid } from './analysis-grid';
import { detectBolusArrival, toConcentration, type BolusArrival } from './bolus-arrival';

export interface Concentration {
  arrival: BolusArrival;
  /** pre-contrast image, HU */
  baseline: Float32Array;
  /** HU above baseline, voxel-major like grid.hu */
  curves: Float32Array;
  /** noise of one voxel and frame, HU (NaN with fewer than two baseline frames) */
  noiseHu: number;
  warnings: string[];
}

/** Stage 3: bolus arrival (the skull's edge after motion correction left out), then baseline and concentration curves from the frames before it. */
export function measureConcentration(grid: AnalysisGrid, skullEdge: Uint8Array | null = null): Concentration {
  const arrival = detectBolusArrival(grid, skullEdge);
  const warnings = arrival.baselineFrames < 2 ? ['only one pre-contrast image: the baseline is noisy'] : [];
  const { baseline, concentration, noiseHu } = toConcentration(grid, arrival.baselineFrames);
  return { arrival, baseline, curves: concentration, noiseHu, warnings };
}
