import type { DeconvolutionRequest, DeconvolutionResult, Deconvolver } from './deconvolver';

/**
 * Block-circulant deconvolution (Wu et al., MRM 2003). The AIF, zero-padded to L = 2N, forms the circulant
 * matrix A[i][j] = dt a[(i - j) mod L], which makes the result insensitive to a tracer arrival before or
 * after the AIF's. A circulant matrix is diagonalised by the DFT: its singular values are the moduli of
 * the AIF spectrum, so the truncated-SVD pseudo-inverse (singular values below P * max dropped) is the
 * circulant matrix with spectrum 1/lambda on the kept frequencies and 0 elsewhere.
 */
export function circulantPseudoInverses(
  arterial: Float64Array,
  intervalSeconds: number,
  thresholds: readonly number[],
): { length: number; matrices: Float32Array } {
  const N = arterial.length;
  const L = 2 * N;
  const re = new Float64Array(L);
  const im = new Float64Array(L);
  for (let k = 0; k < L; k++) {
    let sr = 0;
    let si = 0;
    for (let n = 0; n < N; n++) {
      const angle = (-2 * Math.PI * k * n) / L;
      sr += arterial[n] * Math.cos(angle);
      si += arterial[n] * Math.sin(angle);
    }
    re[k] = sr * intervalSeconds;
    im[k] = si * intervalSeconds;
  }
  let maxModulus = 0;
  const modulus = new Float64Array(L);
  for (let k = 0; k < L; k++) {
    modulus[k] = Math.hypot(re[k], im[k]);
    if (modulus[k] > maxModulus) maxModulus = modulus[k];
  }
  const matrices = new Float32Array(thresholds.length * L * L);
  const column = new Float64Array(L);
  thresholds.forEach((threshold, level) => {
    // first column of the pseudo-inverse: inverse DFT of 1 / lambda on the kept frequencies
    column.fill(0);
    for (let k = 0; k < L; k++) {
      if (modulus[k] < threshold * maxModulus || modulus[k] === 0) continue;
      const m2 = modulus[k] * modulus[k];
      const ir = re[k] / m2;
      const ii = -im[k] / m2;
      for (let n = 0; n < L; n++) {
        const angle = (2 * Math.PI * k * n) / L;
        column[n] += (ir * Math.cos(angle) - ii * Math.sin(angle)) / L;
      }
    }
    // stored transposed: T[i][j] = P[j][i] = column[(j - i) mod L], so residue = curve (row) x T
    const base = level * L * L;
    for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) matrices[base + i * L + j] = column[(j - i + L) % L];
  });
  return { length: L, matrices };
}

/** Wu's oscillation index of one residue: (1/L)(1/max|r|) sum |r[j] - 2 r[j-1] + r[j-2]|. */
export function oscillationIndex(residue: ArrayLike<number>, offset: number, L: number): number {
  let max = 0;
  for (let j = 0; j < L; j++) max = Math.max(max, Math.abs(residue[offset + j]));
  if (max === 0) return 0;
  let sum = 0;
  for (let j = 2; j < L; j++) sum += Math.abs(residue[offset + j] - 2 * residue[offset + j - 1] + residue[offset + j - 2]);
  return sum / (L * max);
}

/**
 * The same computation as the ONNX graph, in plain TypeScript: a reference for tests and a fallback
 * where no runtime is available. Not fast.
 */
export class MatrixDeconvolver implements Deconvolver {
  async deconvolve(request: DeconvolutionRequest): Promise<DeconvolutionResult> {
    const { curves, voxelCount: N, length: L, pseudoInverses, levels: K, oscillationLimit } = request;
    const residues = new Float32Array(N * L);
    const chosen = new Uint8Array(N);
    const r = new Float64Array(L);
    for (let v = 0; v < N; v++) {
      const o = v * L;
      let picked = false;
      for (let k = 0; k < K && !picked; k++) {
        r.fill(0);
        const base = k * L * L;
        for (let i = 0; i < L; i++) {
          const c = curves[o + i];
          if (c === 0) continue;
          const row = base + i * L;
          for (let j = 0; j < L; j++) r[j] += c * pseudoInverses[row + j];
        }
        if (oscillationIndex(r, 0, L) < oscillationLimit || k === K - 1) {
          for (let j = 0; j < L; j++) residues[o + j] = r[j];
          chosen[v] = k;
          picked = true;
        }
      }
    }
    return { residues, levels: chosen };
  }
}
