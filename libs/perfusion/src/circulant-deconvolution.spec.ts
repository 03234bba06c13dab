import { DEFAULT_ARTERIAL_INPUT, TracerKinetics, uniformSamplingTimes } from '@nidus/testing';
import { circulantPseudoInverses, MatrixDeconvolver, oscillationIndex } from './circulant-deconvolution';
import { symmetricEigen } from './temporal-subspace';

/** Truncated-SVD pseudo-inverse by the textbook route: eigen-decomposition of A^T A (A = dt circ(a)). */
function svdPseudoInverse(a: Float64Array, dt: number, threshold: number): Float64Array {
  const N = a.length;
  const L = 2 * N;
  const A = new Float64Array(L * L);
  for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) A[i * L + j] = dt * ((i - j + L) % L < N ? a[(i - j + L) % L] : 0);
  const AtA = new Float64Array(L * L);
  for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) for (let k = 0; k < L; k++) AtA[i * L + j] += A[k * L + i] * A[k * L + j];
  const { values, vectors } = symmetricEigen(AtA, L);
  const smax = Math.sqrt(values[0]);
  // A^+ = sum over kept s_k of v_k (A v_k)^T / s_k^2
  const P = new Float64Array(L * L);
  for (let k = 0; k < L; k++) {
    const s = Math.sqrt(Math.max(values[k], 0));
    if (s < threshold * smax) continue;
    const v = vectors.subarray(k * L, (k + 1) * L);
    const u = new Float64Array(L);
    for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) u[i] += A[i * L + j] * v[j];
    for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) P[i * L + j] += (v[i] * u[j]) / (s * s);
  }
  return P;
}

describe(circulantPseudoInverses.name, () => {
  const times = uniformSamplingTimes(12, 1.5);
  const aif = new TracerKinetics({ ...DEFAULT_ARTERIAL_INPUT, arrivalSeconds: 1 }, times).arterialAtTimes();

  it('equals the truncated SVD pseudo-inverse of the block-circulant AIF matrix (Wu 2003)', () => {
    const L = 24;
    for (const threshold of [0.02, 0.2]) {
      const { matrices } = circulantPseudoInverses(aif, 1.5, [threshold]);
      const reference = svdPseudoInverse(aif, 1.5, threshold);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < L; i++)
        for (let j = 0; j < L; j++) {
          // stored transposed: matrices[i * L + j] = P[j][i]
          worst = Math.max(worst, Math.abs(matrices[i * L + j] - reference[j * L + i]));
          scale = Math.max(scale, Math.abs(reference[j * L + i]));
        }
      expect(worst / scale).toBeLessThan(1e-4);
    }
  });

  it('is insensitive to delay: a tissue curve arriving later gives the same residue, shifted', async () => {
    const longAif = new TracerKinetics(
      { ...DEFAULT_ARTERIAL_INPUT, arrivalSeconds: 3, recirculationFraction: 0 },
      uniformSamplingTimes(40, 1.5),
    ).arterialAtTimes();
    const N = longAif.length;
    const L = 2 * N;
    const { matrices } = circulantPseudoInverses(longAif, 1.5, [0.1]);
    const residue = Float32Array.from({ length: N }, (_, j) => Math.exp(-j / 3) * 0.01);
    const tissue = (shift: number) => {
      const c = new Float32Array(L);
      for (let i = 0; i < N; i++) for (let j = 0; j + shift <= i; j++) c[i] += 1.5 * longAif[i - j - shift] * residue[j];
      return c;
    };
    const deconvolver = new MatrixDeconvolver();
    const request = (curves: Float32Array) => ({ curves, voxelCount: 1, length: L, pseudoInverses: matrices, levels: 1, oscillationLimit: 1 });
    const early = (await deconvolver.deconvolve(request(tissue(0)))).residues;
    const late = (await deconvolver.deconvolve(request(tissue(3)))).residues;
    const argmax = (r: Float32Array) => r.indexOf(Math.max(...r));
    expect(argmax(late) - argmax(early)).toBe(3);
    expect(Math.max(...late) / Math.max(...early)).toBeCloseTo(1, 3);
  });
});

describe(oscillationIndex.name, () => {
  it('is zero for a straight line and grows with oscillation', () => {
    const line = Float32Array.from({ length: 20 }, (_, i) => 1 + i);
    const zigzag = Float32Array.from({ length: 20 }, (_, i) => 1 + (i % 2));
    expect(oscillationIndex(line, 0, 20)).toBeCloseTo(0, 6);
    expect(oscillationIndex(zigzag, 0, 20)).toBeCloseTo((18 * 2) / (20 * 2), 6);
  });
});
