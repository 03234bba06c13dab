import { sampleSpatial, tableFromCoordinates, type AxisTable } from '../preprocessing/axis-sampling';
import { permuteSpatial, type AxisMap } from '../preprocessing/grid';

/** A box of source voxels [start, end) per source axis (slice, row, column). */
export type SourceRegion = [[number, number], [number, number], [number, number]];

/**
 * Maps one channel of a model-grid map back onto the source voxels (the inverse of resize, resample, crop,
 * pad and orient): each source voxel centre j lands at grid coordinate scale * j + offset on the grid axis
 * that came from its axis, sampled there (linear for probabilities, nearest for labels). Source voxels beyond
 * half a voxel of the grid (cropped away) take `fill`. `sourceDims` are [slices, rows, columns] of the part of
 * the source the grid came from (one slice for 2D items); with `region`, only that box of it is returned.
 */
export function mapToSource(
  values: Float32Array,
  gridDims: readonly [number, number, number],
  maps: readonly [AxisMap, AxisMap, AxisMap],
  sourceDims: readonly [number, number, number],
  mode: 'linear' | 'nearest',
  fill: number,
  region?: SourceRegion,
): Float32Array {
  // grid axes in source order: gridAxisOf[s] is the grid axis that came from source axis s
  const gridAxisOf = [0, 1, 2].map((s) => maps.findIndex((m) => m.source === s)) as [number, number, number];
  const inSourceOrder = gridAxisOf.every((k, s) => k === s)
    ? { data: values, dims: [...gridDims] as [number, number, number] }
    : permuteSpatial(values, 1, gridDims, gridAxisOf);
  const tables = gridAxisOf.map((k, s) => {
    const { scale, offset } = maps[k];
    const n = inSourceOrder.dims[s];
    const [start, end] = region ? region[s] : [0, sourceDims[s]];
    if (n === end - start && start === 0 && scale === 1 && offset === 0) return undefined;
    return tableFromCoordinates(end - start, n, (j) => scale * (j + start) + offset, mode, { fill });
  }) as [AxisTable | undefined, AxisTable | undefined, AxisTable | undefined];
  return sampleSpatial(inSourceOrder.data, 1, inSourceOrder.dims, tables).data;
}

/** A box of grid voxels, inclusive bounds [low, high] per grid axis. */
export interface GridBox {
  low: [number, number, number];
  high: [number, number, number];
}

/** The box of grid voxels whose value is at or above `level` (only within `within`, when given); undefined when none is. */
export function gridBoxAtLeast(values: Float32Array, gridDims: readonly [number, number, number], level: number): GridBox | undefined {
  const [d, h, w] = gridDims;
  const low: [number, number, number] = [d, h, w];
  const high: [number, number, number] = [-1, -1, -1];
  for (let z = 0; z < d; z++)
    for (let y = 0; y < h; y++) {
      const row = (z * h + y) * w;
      for (let x = 0; x < w; x++) {
        if (!(values[row + x] >= level)) continue;
        if (z < low[0]) low[0] = z;
        if (z > high[0]) high[0] = z;
        if (y < low[1]) low[1] = y;
        if (y > high[1]) high[1] = y;
        if (x < low[2]) low[2] = x;
        if (x > high[2]) high[2] = x;
      }
    }
  return high[0] < 0 ? undefined : { low, high };
}

/**
 * The source voxels whose mapped value can come from the grid voxels of `box`: linear interpolation reads the
 * two grid voxels around a coordinate, so those landing within one grid voxel of the box.
 */
export function sourceRegionOf(box: GridBox, maps: readonly [AxisMap, AxisMap, AxisMap], sourceDims: readonly [number, number, number]): SourceRegion {
  return [0, 1, 2].map((s) => {
    const k = maps.findIndex((m) => m.source === s);
    const { scale, offset } = maps[k];
    // source j reaches grid coordinate scale * j + offset; keep those within one grid voxel of the box
    const a = (box.low[k] - 1 - offset) / scale;
    const b = (box.high[k] + 1 - offset) / scale;
    const start = Math.max(0, Math.floor(Math.min(a, b)));
    const end = Math.min(sourceDims[s], Math.ceil(Math.max(a, b)) + 1);
    return [start, Math.max(start, end)] as [number, number];
  }) as SourceRegion;
}

/**
 * The source voxels a grid channel can reach at or above `level` once mapped back: linear interpolation never
 * exceeds its neighbours, so only source voxels within one grid voxel of a value >= level can. Undefined when no
 * grid value reaches the level.
 */
export function regionAtLeast(
  values: Float32Array,
  gridDims: readonly [number, number, number],
  maps: readonly [AxisMap, AxisMap, AxisMap],
  sourceDims: readonly [number, number, number],
  level: number,
): SourceRegion | undefined {
  const box = gridBoxAtLeast(values, gridDims, level);
  return box && sourceRegionOf(box, maps, sourceDims);
}
