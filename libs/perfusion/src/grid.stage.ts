import type { Volume4D } from '@nidus/imaging';
import { binningFactor, buildAnalysisGrid, type AnalysisGrid } from './analysis-grid';
import type { GridOptions } from './perfusion-options';
import { NotPerfusionSeriesError } from './perfusion.errors';

/** Fewer time points cannot hold a baseline, a bolus and its passage. */
export const MIN_TIME_POINTS = 10;

/** Refuses a volume that cannot be a perfusion series, with the reason. */
export function validatePerfusionVolume(volume: Volume4D): void {
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

/** Stage 1: the checked volume, block-averaged to pixels of at most maxPixelMm (the grid every later stage runs on). */
export function prepareGrid(volume: Volume4D, options: GridOptions): AnalysisGrid {
  validatePerfusionVolume(volume);
  return buildAnalysisGrid(volume, binningFactor(volume.spacingMm, options.maxPixelMm));
}
