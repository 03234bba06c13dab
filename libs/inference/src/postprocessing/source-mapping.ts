import { sampleSpatial, tableFromCoordinates, type AxisTable } from '../preprocessing/axis-sampling';
import { permuteSpatial, type AxisMap } from '../preprocessing/grid';

/**
 * Maps one channel of a model-grid map back onto the source voxels (the inverse of resize, resample, crop,
 * pad and orient): each source voxel centre j lands at grid coordinate scale * j + offset on the grid axis
 * that came from its axis, sampled there (linear for probabilities, nearest for labels). Source voxels beyond
 * half a voxel of the grid (cropped away) take `fill`. `sourceDims` are [slices, rows, columns] of the part of
 * the source the grid came from (one slice for 2D items).
 */
export function mapToSource(
  values: Float32Array,
  gridDims: readonly [number, number, number],
  maps: readonly [AxisMap, AxisMap, AxisMap],
  sourceDims: readonly [number, number, number],
  mode: 'linear' | 'nearest',
  fill: number,
): Float32Array {
  // grid axes in source order: gridAxisOf[s] is the grid axis that came from source axis s
  const gridAxisOf = [0, 1, 2].map((s) => maps.findIndex((m) => m.source === s)) as [number, number, number];
  const inSourceOrder = gridAxisOf.every((k, s) => k === s)
    ? { data: values, dims: [...gridDims] as [number, number, number] }
    : permuteSpatial(values, 1, gridDims, gridAxisOf);
  const tables = gridAxisOf.map((k, s) => {
    const { scale, offset } = maps[k];
    const n = inSourceOrder.dims[s];
    const m = sourceDims[s];
    if (n === m && scale === 1 && offset === 0) return undefined;
    return tableFromCoordinates(m, n, (j) => scale * j + offset, mode, { fill });
  }) as [AxisTable | undefined, AxisTable | undefined, AxisTable | undefined];
  return sampleSpatial(inSourceOrder.data, 1, inSourceOrder.dims, tables).data;
}
