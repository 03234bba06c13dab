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
import { lookUpValues } from './axis-sampling';
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

type Table = { values: Float32Array; range?: [number, number] };
type Tables = Map<string, Table>;

/**
 * The leading pointwise steps as a lookup table of every stored value the image can hold (BitsStored up to 16
 * bits): the steps themselves run on the table's domain, so the table gives exactly what they would give on the
 * pixels. Slices whose LUT and VOI agree share a table.
 */
function pointwiseTable(grid: Grid, steps: readonly PreprocessingStep[], context: StepContext, slice: number, tables: Tables): Table {
  const key = JSON.stringify([context.source.modalityLuts[slice], context.slice === undefined ? 'volume' : context.source.vois[slice]]);
  let table = tables.get(key);
  if (!table) {
    const [low, high] = context.source.storedRange;
    const size = high - low + 1;
    const every = new Float32Array(size);
    for (let i = 0; i < size; i++) every[i] = low + i;
    const domain: Grid = { ...grid, data: every, channels: 1, dims: [1, 1, size] };
    const out = steps.reduce((g, step) => applyStep(g, step, { ...context, planes: [slice] }), domain);
    table = { values: out.data, range: out.range };
    tables.set(key, table);
  }
  return table;
}

/** The range of the values the tables can give. */
function rangeOf(used: readonly Table[]): [number, number] | undefined {
  let range: [number, number] | undefined;
  for (const table of used) range = table.range && range ? [Math.min(range[0], table.range[0]), Math.max(range[1], table.range[1])] : table.range;
  return range;
}

/**
 * The pointwise prefix on a grid of stored values, in one pass. When a resize follows and every slice of the grid
 * takes the same table, the table is read inside the resize's first pass instead (no whole-size mapped copy: a
 * 2000 x 2400 radiograph is 4.8 million values), and the resize is done too: returns the steps it consumed.
 */
function applyPointwisePrefix(
  grid: Grid,
  steps: readonly PreprocessingStep[],
  next: PreprocessingStep | undefined,
  context: StepContext,
  tables: Tables,
): { grid: Grid; consumed: number } {
  const low = context.source.storedRange[0];
  const [d, h, w] = grid.dims;
  const plane = h * w;
  const used = slicesOf(context, d).map((slice) => pointwiseTable(grid, steps, context, slice, tables));
  const range = rangeOf(used);
  if (next?.op === 'resize' && used.every((t) => t === used[0])) {
    return { grid: applyResizeStep({ ...grid, range }, next, { table: used[0].values, low }), consumed: steps.length + 1 };
  }
  const data = new Float32Array(grid.data.length);
  used.forEach((table, z) => {
    for (let c = 0; c < grid.channels; c++) {
      const offset = (c * d + z) * plane;
      lookUpValues(grid.data, offset, plane, { table: table.values, low }, data, offset);
    }
  });
  return { grid: { ...grid, data, range }, consumed: steps.length };
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
    const start = tabulate ? applyPointwisePrefix(grid, steps.slice(0, prefix), steps[prefix], context, tables) : { grid, consumed: 0 };
    return { grid: steps.slice(start.consumed).reduce((g, step) => applyStep(g, step, context), start.grid), slice };
  };
  if (manifest.consumes === 'volume') return [run(sourceGrid(source, 0, source.geometry.slices))];
  return Array.from({ length: source.geometry.slices }, (_, z) => run(sourceGrid(source, z, 1), z));
}
