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
