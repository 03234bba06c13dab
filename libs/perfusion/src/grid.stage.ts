import type { Geometry4D, Volume4D } from '@nidus/imaging';
import { AnalysisGridBuilder, binningFactor, buildAnalysisGrid, type AnalysisGrid } from './analysis-grid';
import type { GridOptions } from './perfusion-options';
import { NotPerfusionSeriesError } from './perfusion.errors';

/** Fewer time points cannot hold a baseline, a bolus and its passage. */
export const MIN_TIME_POINTS = 10;

/** Refuses a volume that cannot be a perfusion series, with the reason. */
export function validatePerfusionVolume(volume: Volume4D): void {
  const { columns, rows, slices, timePoints, data } = volume;
  validatePerfusionGeometry(volume);
  if (data.length !== columns * rows * slices * timePoints) {
    throw new NotPerfusionSeriesError(`data holds ${data.length} values, not ${columns} x ${rows} x ${slices} x ${timePoints}`);
  }
}

/** Refuses a series layout that cannot be a perfusion series (time points, times, spacing), with the reason. */
export function validatePerfusionGeometry(volume: Geometry4D): void {
  const { timePoints, timesSeconds } = volume;
  if (timePoints < MIN_TIME_POINTS) {
    throw new NotPerfusionSeriesError(`${timePoints} time points: a perfusion series has at least ${MIN_TIME_POINTS}`);
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

/**
 * Stage 1 frame by frame: a builder for the grid of a series with this layout, to which each decoded frame
 * is added as it comes (stream4D of @nidus/imaging), so the full-resolution volume is never whole. The grid
 * it gives is the one prepareGrid gives for the whole volume; pass it to analyzePerfusion in its place.
 */
export function startGrid(geometry: Geometry4D, options: GridOptions): AnalysisGridBuilder {
  validatePerfusionGeometry(geometry);
  return new AnalysisGridBuilder(geometry, binningFactor(geometry.spacingMm, options.maxPixelMm));
}
