/**
 * Arrival (Tmax) for voxels whose own is unreliable: a quantile (default the median) of the reliable
 * voxels' Tmax in the same slice within a radius that grows (5, 10, 20, 40 mm) until at least 5 are
 * found; NaN when none are.
 */
export function inheritArrival(
  tmax: Float32Array,
  reliable: Uint8Array,
  tissue: Uint8Array,
  columns: number,
  rows: number,
  slices: number,
  pixelMm: number,
  quantile = 0.5,
): Float32Array {
  const out = new Float32Array(tmax.length).fill(NaN);
  const values: number[] = [];
  for (let z = 0; z < slices; z++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const i = (z * rows + y) * columns + x;
        if (!tissue[i] || reliable[i]) continue;
        for (const radiusMm of [5, 10, 20, 40]) {
          const r = Math.max(1, Math.round(radiusMm / pixelMm));
          values.length = 0;
          for (let dy = -r; dy <= r; dy++) {
            const yy = y + dy;
            if (yy < 0 || yy >= rows) continue;
            for (let dx = -r; dx <= r; dx++) {
              const xx = x + dx;
              if (xx < 0 || xx >= columns || dx * dx + dy * dy > r * r) continue;
              const j = (z * rows + yy) * columns + xx;
              if (reliable[j]) values.push(tmax[j]);
            }
          }
          if (values.length >= 5) {
            values.sort((a, b) => a - b);
            out[i] = values[Math.min(values.length - 1, Math.floor(quantile * values.length))];
            break;
          }
        }
      }
    }
  }
  return out;
}
