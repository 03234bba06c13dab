import { DeconvolutionError, type DeconvolutionRequest, type DeconvolutionResult, type Deconvolver } from '@nidus/perfusion';
import type { ModelRegistry } from './model-registry';
import type { OnnxSessionRepository } from './onnx-session.repository';

export const CTP_DECONVOLUTION_MODEL = 'ctp-deconvolution';

/**
 * The perfusion Deconvolver on onnxruntime: models/ctp-deconvolution (oSVD, all regularisation levels
 * in one MatMul, the oscillation index choosing per voxel) run in batches of voxels so that the
 * [K, batch, L] intermediate stays small.
 */
export class OnnxDeconvolver implements Deconvolver {
  private bytes: Uint8Array | undefined;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly sessions: OnnxSessionRepository,
    private readonly batchSize = 4096,
  ) {}

  async deconvolve(request: DeconvolutionRequest): Promise<DeconvolutionResult> {
    const { curves, voxelCount: N, length: L, pseudoInverses, levels: K } = request;
    if (curves.length !== N * L || pseudoInverses.length !== K * L * L) {
      throw new DeconvolutionError(
        `request sizes do not agree: ${curves.length} curve values for ${N} x ${L}, ${pseudoInverses.length} matrix values for ${K} x ${L} x ${L}`,
      );
    }
    this.bytes ??= this.registry.load(CTP_DECONVOLUTION_MODEL).bytes;
    const residues = new Float32Array(N * L);
    const levels = new Uint8Array(N);
    const limit = new Float32Array([request.oscillationLimit]);
    for (let start = 0; start < N; start += this.batchSize) {
      const count = Math.min(this.batchSize, N - start);
      // Each batch gets buffers of its own, handed over rather than cloned: structured cloning a view
      // copies its whole ArrayBuffer, which for a subarray of the curves is every voxel's curve.
      const outputs = await this.sessions.run(
        CTP_DECONVOLUTION_MODEL,
        this.bytes,
        {
          curves: { type: 'float32', data: curves.slice(start * L, (start + count) * L), dims: [count, L] },
          pseudo_inverses: { type: 'float32', data: pseudoInverses.slice(), dims: [K, L, L] },
          oscillation_limit: { type: 'float32', data: limit.slice(), dims: [1] },
        },
        { transferInputs: true },
      );
      const residue = outputs.residues;
      const level = outputs.level;
      if (!residue || residue.data.length !== count * L || !level || level.data.length !== count) {
        throw new DeconvolutionError(`${CTP_DECONVOLUTION_MODEL} returned outputs of the wrong shape`);
      }
      residues.set(residue.data as Float32Array, start * L);
      const chosen = level.data as BigInt64Array;
      for (let i = 0; i < count; i++) levels[start + i] = Number(chosen[i]);
    }
    return { residues, levels };
  }
}
