/**
 * A uniform time grid for the deconvolution: sampling may be non-uniform (dense first pass, sparse
 * wash-out), while the circulant model needs a constant interval. Curves are linearly interpolated.
 */
export interface UniformGrid {
  startSeconds: number;
  intervalSeconds: number;
  count: number;
}

export function uniformGrid(times: Float64Array, startSeconds: number, intervalSeconds: number): UniformGrid {
  const start = Math.max(times[0], startSeconds);
  const count = Math.floor((times[times.length - 1] - start) / intervalSeconds + 1e-9) + 1;
  return { startSeconds: start, intervalSeconds, count };
}

/** Linear interpolation of one curve (values[offset .. offset + times.length)) onto the grid, written at out[outOffset ..]. */
export function resampleCurve(
  values: ArrayLike<number>,
  offset: number,
  times: Float64Array,
  grid: UniformGrid,
  out: Float32Array | Float64Array,
  outOffset: number,
): void {
  let k = 0;
  const T = times.length;
  for (let i = 0; i < grid.count; i++) {
    const t = grid.startSeconds + i * grid.intervalSeconds;
    while (k < T - 2 && times[k + 1] < t) k++;
    const t0 = times[k];
    const t1 = times[k + 1];
    const w = Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
    out[outOffset + i] = values[offset + k] * (1 - w) + values[offset + k + 1] * w;
  }
}
