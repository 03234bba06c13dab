// The 8x8 inverse DCT of ITU-T T.81 A.3.3, in floating point as two passes of 1-D transforms:
// s(y,x) = 1/4 sum_u sum_v C(u) C(v) S(v,u) cos((2x+1)u pi/16) cos((2y+1)v pi/16), C(0) = 1/sqrt(2), else 1.
// Each 1-D pass splits even and odd frequencies: cos((2(7-x)+1)u pi/16) = (-1)^u cos((2x+1)u pi/16), so outputs x
// and 7-x share their products, half the multiplications of the direct sum with the same result.

/** basis[x * 8 + u] = C(u)/2 cos((2x+1) u pi / 16) */
const basis = new Float64Array(64);
for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) basis[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);

const rows = new Float64Array(64);

/** One 8-point inverse transform from `input` (stride `is`) into `output` (stride `os`). */
function inverse8(input: Float64Array | Int32Array, i0: number, is: number, output: Float64Array, o0: number, os: number): void {
  const f0 = input[i0],
    f1 = input[i0 + is],
    f2 = input[i0 + 2 * is],
    f3 = input[i0 + 3 * is],
    f4 = input[i0 + 4 * is],
    f5 = input[i0 + 5 * is],
    f6 = input[i0 + 6 * is],
    f7 = input[i0 + 7 * is];
  for (let x = 0; x < 4; x++) {
    const b = x * 8;
    const even = f0 * basis[b] + f2 * basis[b + 2] + f4 * basis[b + 4] + f6 * basis[b + 6];
    const odd = f1 * basis[b + 1] + f3 * basis[b + 3] + f5 * basis[b + 5] + f7 * basis[b + 7];
    output[o0 + x * os] = even + odd;
    output[o0 + (7 - x) * os] = even - odd;
  }
}

/**
 * Inverse transform of one block of dequantized coefficients (natural order, row v, column u) into `out` (row y,
 * column x), before the level shift.
 */
export function inverseDct8x8(coefficients: Int32Array | Float64Array, offset: number, out: Float64Array): void {
  for (let v = 0; v < 8; v++) inverse8(coefficients, offset + v * 8, 1, rows, v * 8, 1);
  for (let x = 0; x < 8; x++) inverse8(rows, x, 8, out, x, 8);
}
