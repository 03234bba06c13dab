import type { CropOrPadStep } from '../manifest/preprocessing-step.schema';
import type { AxisMap, Grid } from './grid';
import { spatialTarget } from './resize.step';

/**
 * The first input index each output index reads along one axis of n cropped or padded to m: a crop keeps
 * the voxel at floor(n / 2) at floor(m / 2) (start floor(n / 2) - floor(m / 2), MONAI CenterSpatialCrop); a pad
 * puts floor((m - n) / 2) voxels before (MONAI symmetric SpatialPad). Returns output index - input index.
 */
export function cropOrPadShift(n: number, m: number): number {
  if (m === n) return 0;
  return m < n ? -(Math.floor(n / 2) - Math.floor(m / 2)) : Math.floor((m - n) / 2);
}

/**
 * Centre crop and/or pad each spatial axis to the declared shape (only pad with crop false, only crop with pad
 * false); padding is constant or the edge value.
 */
export function applyCropOrPadStep(grid: Grid, step: CropOrPadStep): Grid {
  const wanted = spatialTarget(grid, step.shape);
  // axes it may not crop (or pad) keep their size
  const target = wanted.map((m, axis) => {
    const n = grid.dims[axis];
    return (m < n && !step.crop) || (m > n && !step.pad) ? n : m;
  }) as [number, number, number];
  const [d, h, w] = grid.dims;
  const [D, H, W] = target;
  const shift = grid.dims.map((n, axis) => cropOrPadShift(n, target[axis]));
  const data = new Float32Array(grid.channels * D * H * W);
  const index = (o: number, n: number, s: number): number => {
    const i = o - s;
    if (i >= 0 && i < n) return i;
    return step.padMode === 'edge' ? Math.min(Math.max(i, 0), n - 1) : -1;
  };
  const xs = Int32Array.from({ length: W }, (_, x) => index(x, w, shift[2]));
  for (let c = 0; c < grid.channels; c++) {
    for (let z = 0; z < D; z++) {
      const iz = index(z, d, shift[0]);
      for (let y = 0; y < H; y++) {
        const iy = index(y, h, shift[1]);
        const out = ((c * D + z) * H + y) * W;
        if (iz < 0 || iy < 0) {
          data.fill(step.padValue, out, out + W);
          continue;
        }
        const row = ((c * d + iz) * h + iy) * w;
        for (let x = 0; x < W; x++) data[out + x] = xs[x] < 0 ? step.padValue : grid.data[row + xs[x]];
      }
    }
  }
  const maps = grid.maps.map((map, axis): AxisMap => ({ ...map, offset: map.offset + shift[axis] })) as Grid['maps'];
  const padded = shift.some((s, axis) => s > 0 || target[axis] > grid.dims[axis]);
  const range: Grid['range'] =
    grid.range && padded && step.padMode === 'constant' ? [Math.min(grid.range[0], step.padValue), Math.max(grid.range[1], step.padValue)] : grid.range;
  return { ...grid, data, dims: [D, H, W], maps, range };
}
