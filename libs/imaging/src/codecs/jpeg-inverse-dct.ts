// The 8x8 inverse DCT of ITU-T T.81 A.3.3, in floating point as two passes of 1-D transforms:
// s(y,x) = 1/4 sum_u sum_v C(u) C(v) S(v,u) cos((2x+1)u pi/16) cos((2y+1)v pi/16), C(0) = 1/sqrt(2), else 1.

/** basis[x * 8 + u] = C(u)/2 cos((2x+1) u pi / 16) */
const basis = new Float64Array(64);
for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) basis[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);

const rows = new Float64Array(64);

/**
 * Inverse transform of one block of dequantized coefficients (natural order, row v, column u) into `out` (row y,
 * column x), before the level shift.
 */
export function inverseDct8x8(coefficients: Int32Array | Float64Array, offset: number, out: Float64Array): void {
  // rows: for each v, the 1-D transform over u
  for (let v = 0; v < 8; v++) {
    const c = offset + v * 8;
    let allZero = true;
    for (let u = 1; u < 8; u++) if (coefficients[c + u] !== 0) allZero = false;
    if (allZero) {
      const dc = coefficients[c] * basis[0];
      for (let x = 0; x < 8; x++) rows[v * 8 + x] = dc;
      continue;
    }
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let u = 0; u < 8; u++) sum += coefficients[c + u] * basis[x * 8 + u];
      rows[v * 8 + x] = sum;
    }
  }
  // columns: for each x, the 1-D transform over v
  for (let x = 0; x < 8; x++) {
    for (let y = 0; y < 8; y++) {
      let sum = 0;
      for (let v = 0; v < 8; v++) sum += rows[v * 8 + x] * basis[y * 8 + v];
      out[y * 8 + x] = sum;
    }
  }
}
