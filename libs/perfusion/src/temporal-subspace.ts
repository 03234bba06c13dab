/**
 * Temporal denoising by projection on the signal subspace: tissue curves of one study are mixtures of a
 * few shapes (the bolus through grey and white matter, delayed and dispersed in the lesion), so their
 * covariance has a few large eigenvalues over a floor of noise. Curves are projected on the eigenvectors
 * above the Marchenko-Pastur edge of white noise, sigma^2 (1 + sqrt(T/V))^2 (plus a minimum count), which
 * removes most of the noise of every voxel without mixing voxels: nothing is blurred in space.
 */
export interface SubspaceResult {
  curves: Float32Array;
  components: number;
  /** noise standard deviation left per sample (sigma sqrt(k / T)) */
  residualNoiseHu: number;
}

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi); returns eigenvalues descending with vectors as rows. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, row) => {
    values[row] = a[col * n + col];
    for (let k = 0; k < n; k++) vectors[row * n + k] = v[k * n + col];
  });
  return { values, vectors };
}

/** least number of components the projection keeps */
export const MIN_SUBSPACE_COMPONENTS = 6;

export function projectOnSignalSubspace(
  concentration: Float32Array,
  T: number,
  mask: Uint8Array,
  noiseHu: number,
  options: { firstFrame?: number; minComponents?: number; maxComponents?: number } = {},
): SubspaceResult {
  const first = options.firstFrame ?? 0;
  const n = T - first;
  const out = Float32Array.from(concentration);
  const voxels: number[] = [];
  for (let v = 0; v < mask.length; v++) if (mask[v]) voxels.push(v);
  if (voxels.length < 2 * n) return { curves: out, components: n, residualNoiseHu: noiseHu };
  // second-moment matrix about zero (curves are concentrations above baseline)
  const m = new Float64Array(n * n);
  const row = new Float64Array(n);
  for (const v of voxels) {
    const o = v * T + first;
    for (let i = 0; i < n; i++) row[i] = concentration[o + i];
    for (let i = 0; i < n; i++) {
      const ri = row[i];
      for (let j = i; j < n; j++) m[i * n + j] += ri * row[j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[j * n + i] = m[i * n + j] /= voxels.length;
  const { values, vectors } = symmetricEigen(m, n);
  const edge = noiseHu * noiseHu * (1 + Math.sqrt(n / voxels.length)) ** 2;
  let k = 0;
  while (k < n && values[k] > edge * 1.05) k++;
  k = Math.max(options.minComponents ?? MIN_SUBSPACE_COMPONENTS, Math.min(options.maxComponents ?? n, k));
  k = Math.min(k, n);
  const coefficients = new Float64Array(k);
  for (const v of voxels) {
    const o = v * T + first;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[c * n + i] * concentration[o + i];
      coefficients[c] = dot;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += coefficients[c] * vectors[c * n + i];
      out[o + i] = s;
    }
  }
  return { curves: out, components: k, residualNoiseHu: noiseHu * Math.sqrt(k / n) };
}
