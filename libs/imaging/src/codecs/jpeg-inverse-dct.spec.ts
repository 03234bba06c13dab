import { SeededRandom } from '@nidus/testing';
import { inverseDct8x8 } from './jpeg-inverse-dct';

/** The sum of T.81 A.3.3 as written, for comparison. */
function direct(coefficients: Float64Array): Float64Array {
  const out = new Float64Array(64);
  const c = (u: number) => (u === 0 ? Math.SQRT1_2 : 1);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let v = 0; v < 8; v++)
        for (let u = 0; u < 8; u++)
          sum += c(u) * c(v) * coefficients[v * 8 + u] * Math.cos(((2 * x + 1) * u * Math.PI) / 16) * Math.cos(((2 * y + 1) * v * Math.PI) / 16);
      out[y * 8 + x] = sum / 4;
    }
  return out;
}

describe(inverseDct8x8.name, () => {
  it('equals the double sum of T.81 A.3.3 on random blocks', () => {
    const random = new SeededRandom(81);
    for (let n = 0; n < 50; n++) {
      const block = Float64Array.from({ length: 64 }, (_, k) => (random.next() < 0.4 || k === 0 ? Math.round(random.uniform(-2000, 2000)) : 0));
      const out = new Float64Array(64);
      inverseDct8x8(block, 0, out);
      const expected = direct(block);
      for (let i = 0; i < 64; i++) expect(Math.abs(out[i] - expected[i])).toBeLessThan(1e-9);
    }
  });

  it('gives DC/8 everywhere for a block with DC alone', () => {
    const block = new Float64Array(64);
    block[0] = 800;
    const out = new Float64Array(64);
    inverseDct8x8(block, 0, out);
    for (const v of out) expect(v).toBeCloseTo(100, 10);
  });
});
