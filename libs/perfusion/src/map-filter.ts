/**
 * In-plane median of a parametric map over the mask's voxels in a (2r+1)^2 window: removes isolated
 * noisy voxels and keeps edges (a median does not blur a step), without reaching outside the brain.
 */
export function maskedMedian(map: Float32Array, mask: Uint8Array, columns: number, rows: number, slices: number, radius: number): Float32Array {
  const out = Float32Array.from(map);
  if (radius < 1) return out;
  const window: number[] = [];
  for (let z = 0; z < slices; z++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const i = (z * rows + y) * columns + x;
        if (!mask[i]) continue;
        window.length = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= rows) continue;
          for (let dx = -radius; dx <= radius; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= columns) continue;
            const j = (z * rows + yy) * columns + xx;
            if (mask[j]) window.push(map[j]);
          }
        }
        window.sort((a, b) => a - b);
        const n = window.length;
        out[i] = n % 2 ? window[(n - 1) >> 1] : 0.5 * (window[n / 2 - 1] + window[n / 2]);
      }
    }
  }
  return out;
}

/**
 * In-plane Gaussian mean of a map over the mask's voxels, with a range term on a second map (voxels
 * averaged only with neighbours of similar `similar` values, e.g. Tmax within a few seconds).
 */
export function maskedBilateralMean(
  map: Float32Array,
  mask: Uint8Array,
  columns: number,
  rows: number,
  slices: number,
  sigmaPixels: number,
  similar?: { values: Float32Array; scale: number },
): Float32Array {
  const out = Float32Array.from(map);
  const radius = Math.ceil(2 * sigmaPixels);
  if (radius < 1) return out;
  for (let z = 0; z < slices; z++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const i = (z * rows + y) * columns + x;
        if (!mask[i]) continue;
        let sum = 0;
        let weights = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= rows) continue;
          for (let dx = -radius; dx <= radius; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= columns) continue;
            const j = (z * rows + yy) * columns + xx;
            if (!mask[j]) continue;
            let w = Math.exp(-(dx * dx + dy * dy) / (2 * sigmaPixels * sigmaPixels));
            if (similar) w *= Math.exp(-(((similar.values[i] - similar.values[j]) / similar.scale) ** 2) / 2);
            sum += w * map[j];
            weights += w;
          }
        }
        out[i] = sum / weights;
      }
    }
  }
  return out;
}
