import { ModelInputError } from '../inference.errors';
import type { ResampleStep } from '../manifest/preprocessing-step.schema';
import { sampleSpatial, tableFromCoordinates, type AxisTable } from './axis-sampling';
import type { AxisMap, Grid } from './grid';
import type { StepContext } from './step-context';

/** Rounds half to even, as numpy's round does. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d !== 0.5) return Math.round(x);
  return f % 2 === 0 ? f : f + 1;
}

/** The size of an axis of n voxels at spacing s resampled to spacing t: round((n - 1) s / t) + 1, half to even (MONAI Spacing). */
export function resampledSize(n: number, from: number, to: number): number {
  return Math.max(1, roundHalfEven(((n - 1) * from) / to) + 1);
}

/**
 * Resample to a voxel spacing: voxel 0 keeps its centre, output voxel i samples input coordinate i t / s
 * (linear, or nearest), the edge value beyond the last voxel. 2D spacings are [row, column].
 */
export function applyResampleStep(grid: Grid, step: ResampleStep, context: StepContext): Grid {
  if (!grid.spacingMm) throw new ModelInputError(context.modelId, 'no-spacing', 'the images carry no PixelSpacing, which resample needs');
  const targetSpacing: [number, number, number] =
    step.spacingMm.length === 2 ? [grid.spacingMm[0], step.spacingMm[0], step.spacingMm[1]] : (step.spacingMm as [number, number, number]);
  const from = grid.spacingMm;
  const tables = grid.dims.map((n, axis) => {
    const s = from[axis];
    const t = targetSpacing[axis];
    if (Math.abs(s - t) < 1e-9) return undefined;
    return tableFromCoordinates(resampledSize(n, s, t), n, (i) => (i * t) / s, step.interpolation);
  }) as [AxisTable | undefined, AxisTable | undefined, AxisTable | undefined];
  const { data, dims } = sampleSpatial(grid.data, grid.channels, grid.dims, tables);
  const maps = grid.maps.map((map, axis): AxisMap => {
    if (!tables[axis]) return map;
    const r = from[axis] / targetSpacing[axis];
    return { source: map.source, scale: map.scale * r, offset: map.offset * r };
  }) as Grid['maps'];
  const spacingMm = grid.dims.map((_, axis) => (tables[axis] ? targetSpacing[axis] : from[axis])) as [number, number, number];
  return { ...grid, data, dims, maps, spacingMm };
}
