/**
 * The deconvolution engine, declared here and implemented elsewhere (libs/inference runs it as an ONNX
 * graph), so that libs/perfusion stays free of any runtime.
 *
 * For each voxel v and each regularisation level k it computes the residue r_k,v = P_k c_v (P_k: a
 * truncated pseudo-inverse of the block-circulant AIF matrix, already divided by the sampling interval),
 * its oscillation index OI_k,v = (1/L) (1/max|r|) sum |r[j] - 2 r[j-1] + r[j-2]| (Wu et al. 2003), and
 * keeps per voxel the least regularised level whose OI is below the limit (the most regularised one if none is).
 */
export interface DeconvolutionRequest {
  /** zero-padded tissue curves, voxel-major: curves[v * length + j] */
  curves: Float32Array;
  voxelCount: number;
  /** L, the padded length (twice the uniform samples) */
  length: number;
  /** K pseudo-inverses, least regularised first, each stored transposed: pseudoInverses[(k * L + i) * L + j] = P_k[j][i] */
  pseudoInverses: Float32Array;
  levels: number;
  oscillationLimit: number;
}

export interface DeconvolutionResult {
  /** the chosen residue per voxel, voxel-major [voxelCount * length], units 1/s */
  residues: Float32Array;
  /** the level chosen per voxel (0 = least regularised) */
  levels: Uint8Array;
}

export interface Deconvolver {
  deconvolve(request: DeconvolutionRequest): Promise<DeconvolutionResult>;
}
