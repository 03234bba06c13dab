import type { Vec3 } from '@nidus/imaging';

/**
 * How one axis of the model's grid relates to an axis of the source images: grid coordinate =
 * scale * source index + offset (continuous voxel-centre coordinates). Resize, resample, crop, pad and
 * flips compose into these two numbers; orient permutes the axes. Source axes: 0 slice, 1 row, 2 column.
 */
export interface AxisMap {
  source: 0 | 1 | 2;
  scale: number;
  offset: number;
}

/**
 * An image on its way to the input tensor: channel-major values, index ((c * d + z) * h + y) * w + x, with
 * d = 1 for 2D images. `spacingMm` is per grid axis [d, h, w]; `directions` (patient LPS unit vectors per grid
 * axis) are known for images with an Image Plane module; `range` is the value range while it is known.
 */
export interface Grid {
  data: Float32Array;
  channels: number;
  dims: [number, number, number];
  spacingMm?: [number, number, number];
  directions?: [Vec3, Vec3, Vec3];
  range?: [number, number];
  maps: [AxisMap, AxisMap, AxisMap];
}

export const IDENTITY_MAPS: [AxisMap, AxisMap, AxisMap] = [
  { source: 0, scale: 1, offset: 0 },
  { source: 1, scale: 1, offset: 0 },
  { source: 2, scale: 1, offset: 0 },
];

export function voxelCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Reorders the spatial axes of a [channels, d, h, w] array: output axis k is input axis order[k], reversed
 * where flip[k].
 */
export function permuteSpatial(
  data: Float32Array,
  channels: number,
  dims: readonly [number, number, number],
  order: readonly [number, number, number],
  flip: readonly [boolean, boolean, boolean] = [false, false, false],
): { data: Float32Array; dims: [number, number, number] } {
  const [, h, w] = dims;
  const out = order.map((axis) => dims[axis]) as [number, number, number];
  const inStride = [h * w, w, 1];
  const start = order.reduce((sum, axis, k) => sum + (flip[k] ? (dims[axis] - 1) * inStride[axis] : 0), 0);
  const step = order.map((axis, k) => (flip[k] ? -inStride[axis] : inStride[axis]));
  const result = new Float32Array(data.length);
  const volume = voxelCount(dims);
  // tiles over the first and last output axes, so that neither reads nor writes jump a whole plane each time
  const T = 16;
  const [A, B, E] = out;
  for (let c = 0; c < channels; c++) {
    const base = c * volume + start;
    const outBase = c * volume;
    for (let a0 = 0; a0 < A; a0 += T) {
      const a1 = Math.min(A, a0 + T);
      for (let e0 = 0; e0 < E; e0 += T) {
        const e1 = Math.min(E, e0 + T);
        for (let b = 0; b < B; b++) {
          for (let a = a0; a < a1; a++) {
            const from = base + a * step[0] + b * step[1];
            const to = outBase + (a * B + b) * E;
            for (let e = e0; e < e1; e++) result[to + e] = data[from + e * step[2]];
          }
        }
      }
    }
  }
  return { data: result, dims: out };
}
