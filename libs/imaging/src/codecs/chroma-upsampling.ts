// Chroma up-sampling of decoded JPEG components to full size. 2:1 horizontally, and 2:1 both ways, use the triangle
// filter that libjpeg applies by default ("fancy upsampling": each output sample 3/4 of the nearer input and 1/4 of
// the farther); other ratios replicate samples (T.81 leaves up-sampling to the application, A.1.1).

/**
 * Up-samples one component plane (`width` x `height` samples, stride `stride`) by (sx, sy) into `out` at
 * `columns` x `rows`, interleaved with `n` components at index `c`.
 */
export function upsampleComponent(
  plane: Uint16Array,
  stride: number,
  width: number,
  height: number,
  sx: number,
  sy: number,
  out: Uint8Array | Uint16Array,
  rows: number,
  columns: number,
  n: number,
  c: number,
): void {
  if (sx === 1 && sy === 1) {
    for (let y = 0; y < rows; y++) {
      const line = y * stride;
      let o = y * columns * n + c;
      for (let x = 0; x < columns; x++, o += n) out[o] = plane[line + x];
    }
    return;
  }
  const at = (x: number, y: number) => plane[Math.min(y, height - 1) * stride + Math.min(x, width - 1)];
  const put = (x: number, y: number, v: number) => {
    if (x < columns && y < rows) out[(y * columns + x) * n + c] = v;
  };
  if (sx === 2 && sy === 1 && width > 1) {
    for (let y = 0; y < rows; y++) {
      for (let i = 0; i < width; i++) {
        const here = at(i, y) * 3;
        put(2 * i, y, i === 0 ? at(0, y) : (here + at(i - 1, y) + 1) >> 2);
        put(2 * i + 1, y, i === width - 1 ? at(i, y) : (here + at(i + 1, y) + 2) >> 2);
      }
    }
    return;
  }
  if (sx === 2 && sy === 2 && width > 1) {
    for (let y = 0; y < height; y++) {
      for (let half = 0; half < 2; half++) {
        // the nearer row is this one; the farther is the row above (first output row) or below (second), edges replicated
        const other = half === 0 ? Math.max(0, y - 1) : Math.min(height - 1, y + 1);
        const colsum = (i: number) => at(i, y) * 3 + at(i, other);
        const oy = 2 * y + half;
        for (let i = 0; i < width; i++) {
          const here = colsum(i);
          put(2 * i, oy, i === 0 ? (here * 4 + 8) >> 4 : (here * 3 + colsum(i - 1) + 8) >> 4);
          put(2 * i + 1, oy, i === width - 1 ? (here * 4 + 7) >> 4 : (here * 3 + colsum(i + 1) + 7) >> 4);
        }
      }
    }
    return;
  }
  for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) put(x, y, at(Math.floor(x / sx), Math.floor(y / sy)));
}
