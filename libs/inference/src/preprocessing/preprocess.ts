import type { FindingsManifest } from '../model-manifest';
import type { PreprocessingStep } from '../manifest/preprocessing-step.schema';
import { applyChannelsStep } from './channels.step';
import { applyCropOrPadStep } from './crop-or-pad.step';
import { IDENTITY_MAPS, type Grid } from './grid';
import { applyInvertMonochrome1Step } from './invert-monochrome1.step';
import { applyModalityLutStep } from './modality-lut.step';
import type { ModelSource } from './model-source';
import { applyNormalizeStep } from './normalize.step';
import { applyOrientStep, sourceDirections } from './orient.step';
import { applyResampleStep } from './resample.step';
import { applyResizeStep } from './resize.step';
import { applyScaleIntensityStep } from './scale-intensity.step';
import type { StepContext } from './step-context';
import { applyWindowStep } from './window.step';

/** One step on a grid, exactly as declared. */
export function applyStep(grid: Grid, step: PreprocessingStep, context: StepContext): Grid {
  switch (step.op) {
    case 'modalityLut':
      return applyModalityLutStep(grid, context);
    case 'window':
      return applyWindowStep(grid, step, context);
    case 'invertMonochrome1':
      return applyInvertMonochrome1Step(grid, context);
    case 'scaleIntensity':
      return applyScaleIntensityStep(grid, step);
    case 'normalize':
      return applyNormalizeStep(grid, step, context);
    case 'resize':
      return applyResizeStep(grid, step);
    case 'resample':
      return applyResampleStep(grid, step, context);
    case 'cropOrPad':
      return applyCropOrPadStep(grid, step);
    case 'orient':
      return applyOrientStep(grid, step, context);
    case 'channels':
      return applyChannelsStep(grid, step);
  }
}

/** The grid of source slices [first, first + count) before any step: stored values, identity geometry. */
export function sourceGrid(source: ModelSource, first: number, count: number): Grid {
  const { rows, columns, spacingMm, ImageOrientationPatient } = source.geometry;
  const plane = rows * columns;
  return {
    data: source.stored.subarray(first * plane, (first + count) * plane),
    channels: 1,
    dims: [count, rows, columns],
    spacingMm: spacingMm ? [spacingMm[2], spacingMm[1], spacingMm[0]] : undefined,
    directions: ImageOrientationPatient ? sourceDirections(ImageOrientationPatient) : undefined,
    range: [...source.storedRange],
    maps: IDENTITY_MAPS,
  };
}

/** One item a model runs on: a 2D image or slice (with its source slice), or the whole volume. */
export interface PreparedItem {
  grid: Grid;
  /** the source slice of a 2D item */
  slice?: number;
}

/**
 * The declared preprocessing on the source: one item per image (consumes image), per slice (slices), or one
 * for the whole series (volume). Each grid keeps the map back to the source geometry.
 */
export function preprocess(manifest: FindingsManifest, source: ModelSource): PreparedItem[] {
  const run = (grid: Grid, slice?: number): PreparedItem => {
    const context: StepContext = { modelId: manifest.id, source, slice };
    return { grid: manifest.preprocessing.reduce((g, step) => applyStep(g, step, context), grid), slice };
  };
  if (manifest.consumes === 'volume') return [run(sourceGrid(source, 0, source.geometry.slices))];
  return Array.from({ length: source.geometry.slices }, (_, z) => run(sourceGrid(source, z, 1), z));
}
