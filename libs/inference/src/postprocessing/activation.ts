/** 1 / (1 + e^-x), without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Softmax over `count` values spaced `stride` apart from `start`, in place (max subtracted for stability). */
export function softmaxInPlace(values: Float32Array, start: number, count: number, stride: number): void {
  let max = -Infinity;
  for (let k = 0; k < count; k++) max = Math.max(max, values[start + k * stride]);
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const e = Math.exp(values[start + k * stride] - max);
    values[start + k * stride] = e;
    sum += e;
  }
  for (let k = 0; k < count; k++) values[start + k * stride] /= sum;
}

// Math's functions held locally: hot loops, and global lookups are slow inside jest's vm sandbox
const { exp } = Math;

/** Sigmoid of every value, in place. */
export function sigmoidInPlace(values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    values[i] = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
  }
}

/** Softmax across channels at each voxel, in place (channel c of voxel v is channels[c][v]). */
export function softmaxChannels(channels: Float32Array[]): void {
  const C = channels.length;
  const n = channels[0].length;
  if (C === 2) {
    // p1 = 1 / (1 + e^(l0 - l1)), p0 = 1 - p1
    const [a, b] = channels;
    for (let v = 0; v < n; v++) {
      const d = a[v] - b[v];
      const p = d <= 0 ? 1 / (1 + exp(d)) : exp(-d) / (1 + exp(-d));
      b[v] = p;
      a[v] = 1 - p;
    }
    return;
  }
  for (let v = 0; v < n; v++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (channels[c][v] > max) max = channels[c][v];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = exp(channels[c][v] - max);
      channels[c][v] = e;
      sum += e;
    }
    for (let c = 0; c < C; c++) channels[c][v] /= sum;
  }
}

/** The largest value of an array (-Infinity when empty). */
export function largest(values: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/** Sigmoid in place of the values of a [d, h, w] grid inside `box` grown by one voxel (the rest is left as it is). */
export function sigmoidInBox(values: Float32Array, dims: readonly [number, number, number], box: { low: readonly number[]; high: readonly number[] }): void {
  const [d, h, w] = dims;
  const z0 = Math.max(0, box.low[0] - 1),
    z1 = Math.min(d - 1, box.high[0] + 1);
  const y0 = Math.max(0, box.low[1] - 1),
    y1 = Math.min(h - 1, box.high[1] + 1);
  const x0 = Math.max(0, box.low[2] - 1),
    x1 = Math.min(w - 1, box.high[2] + 1);
  for (let z = z0; z <= z1; z++)
    for (let y = y0; y <= y1; y++) {
      const row = (z * h + y) * w;
      for (let i = row + x0; i <= row + x1; i++) {
        const x = values[i];
        values[i] = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
      }
    }
}
