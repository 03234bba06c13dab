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
import { slicesOf, type StepContext } from './step-context';
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

/** Steps that map each value on its own, whatever its neighbours: a run of them can become a lookup table. */
function isPointwise(step: PreprocessingStep): boolean {
  return (
    step.op === 'modalityLut' ||
    step.op === 'window' ||
    step.op === 'invertMonochrome1' ||
    step.op === 'scaleIntensity' ||
    (step.op === 'normalize' && step.mode === 'constant')
  );
}

const MAX_TABLE = 1 << 16;

/**
 * The leading pointwise steps applied as one lookup table per slice: the steps themselves run on every stored
 * value the image can hold (BitsStored up to 16 bits), so the table gives exactly what they would give on the
 * pixels, in one pass and one array. Slices whose LUT and VOI agree share a table.
 */
/** out[i] = table[from[i] - low] for `count` values from `offset` (stored values are integers). */
function lookUp(from: Float32Array, out: Float32Array, offset: number, count: number, table: Float32Array, low: number): void {
  const end = offset + count;
  for (let i = offset; i < end; i++) out[i] = table[(from[i] - low) | 0];
}

type Tables = Map<string, { values: Float32Array; range?: [number, number] }>;

function applyPointwisePrefix(grid: Grid, steps: readonly PreprocessingStep[], context: StepContext, tables: Tables): Grid {
  const [low, high] = context.source.storedRange;
  const size = high - low + 1;
  const [d, h, w] = grid.dims;
  const plane = h * w;
  const slices = slicesOf(context, d);
  const data = new Float32Array(grid.data.length);
  let range: [number, number] | undefined;
  slices.forEach((slice, z) => {
    const key = JSON.stringify([context.source.modalityLuts[slice], context.slice === undefined ? 'volume' : context.source.vois[slice]]);
    let table = tables.get(key);
    if (!table) {
      const every = new Float32Array(size);
      for (let i = 0; i < size; i++) every[i] = low + i;
      const domain: Grid = { ...grid, data: every, channels: 1, dims: [1, 1, size] };
      const out = steps.reduce((g, step) => applyStep(g, step, { ...context, planes: [slice] }), domain);
      table = { values: out.data, range: out.range };
      tables.set(key, table);
    }
    range = table.range && range ? [Math.min(range[0], table.range[0]), Math.max(range[1], table.range[1])] : table.range;
    const values = table.values;
    for (let c = 0; c < grid.channels; c++) lookUp(grid.data, data, (c * d + z) * plane, plane, values, low);
  });
  return { ...grid, data, range };
}

/**
 * The declared preprocessing on the source: one item per image (consumes image), per slice (slices), or one
 * for the whole series (volume). Each grid keeps the map back to the source geometry.
 */
export function preprocess(manifest: FindingsManifest, source: ModelSource): PreparedItem[] {
  const steps = manifest.preprocessing;
  let prefix = 0;
  while (prefix < steps.length && isPointwise(steps[prefix])) prefix++;
  const tabulate = prefix > 0 && source.storedRange[1] - source.storedRange[0] + 1 <= MAX_TABLE;
  const tables: Tables = new Map();
  const run = (grid: Grid, slice?: number): PreparedItem => {
    const context: StepContext = { modelId: manifest.id, source, slice };
    const start = tabulate ? applyPointwisePrefix(grid, steps.slice(0, prefix), context, tables) : grid;
    return { grid: steps.slice(tabulate ? prefix : 0).reduce((g, step) => applyStep(g, step, context), start), slice };
  };
  if (manifest.consumes === 'volume') return [run(sourceGrid(source, 0, source.geometry.slices))];
  return Array.from({ length: source.geometry.slices }, (_, z) => run(sourceGrid(source, z, 1), z));
}
