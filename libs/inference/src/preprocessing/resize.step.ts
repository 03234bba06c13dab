import type { ResizeStep } from '../manifest/preprocessing-step.schema';
import { resizeAreaTable, resizeLinearTable, resizeNearestTable, sampleSpatial, type AxisTable, type ValueLookup } from './axis-sampling';
import type { AxisMap, Grid } from './grid';

/** The spatial target of a 2D ([H, W]) or 3D ([D, H, W]) size on a [d, h, w] grid. */
export function spatialTarget(grid: Grid, sizes: readonly number[]): [number, number, number] {
  return sizes.length === 2 ? [grid.dims[0], sizes[0], sizes[1]] : [sizes[0], sizes[1], sizes[2]];
}

/**
 * Resize to a shape. linear: half-pixel centres, p = (i + 0.5) n / m - 0.5 clamped to the edge (bilinear /
 * trilinear, PyTorch align_corners = false); nearest: floor(i n / m); area: the mean of [floor(i n / m),
 * ceil((i + 1) n / m)). Voxel centres correspond by the half-pixel rule whatever the interpolation. With `lookup`,
 * the grid's values are mapped through it as they are read (the pointwise steps before the resize).
 */
export function applyResizeStep(grid: Grid, step: ResizeStep, lookup?: ValueLookup): Grid {
  const target = spatialTarget(grid, step.shape);
  const tables = grid.dims.map((n, axis) => {
    const m = target[axis];
    if (m === n) return undefined;
    return step.interpolation === 'area' ? resizeAreaTable(n, m) : step.interpolation === 'nearest' ? resizeNearestTable(n, m) : resizeLinearTable(n, m);
  }) as [AxisTable | undefined, AxisTable | undefined, AxisTable | undefined];
  const { data, dims } = sampleSpatial(grid.data, grid.channels, grid.dims, tables, lookup);
  const maps = grid.maps.map((map, axis): AxisMap => {
    const r = target[axis] / grid.dims[axis];
    return r === 1 ? map : { source: map.source, scale: map.scale * r, offset: (map.offset + 0.5) * r - 0.5 };
  }) as Grid['maps'];
  const spacingMm = grid.spacingMm?.map((s, axis) => (s * grid.dims[axis]) / target[axis]) as Grid['spacingMm'];
  return { ...grid, data, dims, maps, spacingMm };
}
