/**
 * Writes models/ctp-deconvolution/model.onnx and model.json: the oSVD deconvolution of CT perfusion
 * (block-circulant truncated SVD with a per-voxel oscillation-index choice, Wu et al., MRM 2003) as an
 * ONNX graph, so it runs on onnxruntime like any model. Run: `npm run build` then
 * `node dist/scripts/generate-ctp-deconvolution-model.js`.
 *
 * Graph (opset 13), general in N (voxels), L (padded samples) and K (regularisation levels):
 *   curves [N, L], pseudo_inverses [K, L, L] (transposed, least regularised first), oscillation_limit [1]
 *   R = curves x pseudo_inverses                          [K, N, L]   all levels at once (MatMul)
 *   OI = sum|R[j] - 2R[j-1] + R[j-2]| / (L max|R|)        [K, N]
 *   level = first k with OI < limit, else K - 1           [N]         (ArgMax of a weighted pass mask)
 *   residues = R[level]                                   [N, L]      (GatherElements)
 *   peak, peak_index = ReduceMax / ArgMax of residues     [N]
 * The pseudo-inverses are inputs, not weights: they are built per study from its AIF on the TypeScript side.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { onnx } from 'onnx-proto';
import { encodeModel, FLOAT, floatTensor, INT64, int64Tensor, intAttribute, intsAttribute, node, valueInfo } from './onnx-graph';
import { repositoryRoot } from './repository-root';

export const CTP_DECONVOLUTION_MODEL_ID = 'ctp-deconvolution';
export const CTP_DECONVOLUTION_MODEL_VERSION = '1.0.0';

/** The serialised model; deterministic, so the committed file can be checked against a fresh build. */
export function buildCtpDeconvolutionModel(): Uint8Array {
  const initializer = [
    int64Tensor('axis0', [0]),
    int64Tensor('axis2', [2]),
    int64Tensor('one_i', [1]),
    int64Tensor('zero_i', [0]),
    int64Tensor('start0', [0]),
    int64Tensor('start1', [1]),
    int64Tensor('start2', [2]),
    int64Tensor('end_all', [2 ** 53 - 1]),
    int64Tensor('end_m1', [-1]),
    int64Tensor('end_m2', [-2]),
    floatTensor('two', [2], []),
    floatTensor('half', [0.5], []),
    floatTensor('tiny', [1e-20], []),
  ];
  const nodes: onnx.INodeProto[] = [
    // all levels at once
    node('Unsqueeze', ['curves', 'axis0'], ['curves3']),
    node('MatMul', ['curves3', 'pseudo_inverses'], ['all_residues']),
    // oscillation index per level and voxel
    node('Abs', ['all_residues'], ['abs_residues']),
    node('ReduceMax', ['abs_residues'], ['max_abs'], [intsAttribute('axes', [2]), intAttribute('keepdims', 0)]),
    node('Slice', ['all_residues', 'start2', 'end_all', 'axis2'], ['r2']),
    node('Slice', ['all_residues', 'start1', 'end_m1', 'axis2'], ['r1']),
    node('Slice', ['all_residues', 'start0', 'end_m2', 'axis2'], ['r0']),
    node('Add', ['r2', 'r0'], ['r20']),
    node('Mul', ['r1', 'two'], ['r1x2']),
    node('Sub', ['r20', 'r1x2'], ['second_difference']),
    node('Abs', ['second_difference'], ['abs_second_difference']),
    node('ReduceSum', ['abs_second_difference', 'axis2'], ['oscillation_sum'], [intAttribute('keepdims', 0)]),
    node('Shape', ['curves'], ['curves_shape']),
    node('Gather', ['curves_shape', 'one_i'], ['length_i']),
    node('Cast', ['length_i'], ['length_f'], [intAttribute('to', FLOAT)]),
    node('Add', ['max_abs', 'tiny'], ['max_safe']),
    node('Mul', ['max_safe', 'length_f'], ['oscillation_scale']),
    node('Div', ['oscillation_sum', 'oscillation_scale'], ['oscillation_index']),
    // first passing level: score = pass * (K - k) + 0.5 [k == K - 1]; ArgMax takes the highest
    node('Less', ['oscillation_index', 'oscillation_limit'], ['passes']),
    node('Cast', ['passes'], ['passes_f'], [intAttribute('to', FLOAT)]),
    node('Shape', ['pseudo_inverses'], ['pinv_shape']),
    node('Gather', ['pinv_shape', 'zero_i'], ['levels_1']),
    node('Squeeze', ['levels_1', 'axis0'], ['levels_i']),
    node('Cast', ['levels_i'], ['levels_f'], [intAttribute('to', FLOAT)]),
    node('Range', ['zero_scalar_f', 'levels_f', 'one_scalar_f'], ['level_index']),
    node('Sub', ['levels_f', 'level_index'], ['level_weight']),
    node('Sub', ['levels_f', 'one_scalar_f'], ['last_level']),
    node('Equal', ['level_index', 'last_level'], ['is_last']),
    node('Cast', ['is_last'], ['is_last_f'], [intAttribute('to', FLOAT)]),
    node('Mul', ['is_last_f', 'half'], ['fallback']),
    node('Unsqueeze', ['level_weight', 'one_i'], ['level_weight_col']),
    node('Unsqueeze', ['fallback', 'one_i'], ['fallback_col']),
    node('Mul', ['passes_f', 'level_weight_col'], ['weighted']),
    node('Add', ['weighted', 'fallback_col'], ['score']),
    node('ArgMax', ['score'], ['level_row'], [intAttribute('axis', 0), intAttribute('keepdims', 1)]),
    // gather the chosen level's residue
    node('Unsqueeze', ['level_row', 'axis2'], ['level_index3']),
    node('Shape', ['curves3'], ['curves3_shape']),
    node('Expand', ['level_index3', 'curves3_shape'], ['gather_index']),
    node('GatherElements', ['all_residues', 'gather_index'], ['chosen3'], [intAttribute('axis', 0)]),
    node('Squeeze', ['chosen3', 'axis0'], ['residues']),
    node('Squeeze', ['level_row', 'axis0'], ['level']),
    node('ReduceMax', ['residues'], ['peak'], [intsAttribute('axes', [1]), intAttribute('keepdims', 0)]),
    node('ArgMax', ['residues'], ['peak_index'], [intAttribute('axis', 1), intAttribute('keepdims', 0)]),
  ];
  initializer.push(floatTensor('zero_scalar_f', [0], []), floatTensor('one_scalar_f', [1], []));
  const graph: onnx.IGraphProto = {
    name: 'ctp_osvd_deconvolution',
    node: nodes,
    initializer,
    input: [valueInfo('curves', FLOAT, ['N', 'L']), valueInfo('pseudo_inverses', FLOAT, ['K', 'L', 'L']), valueInfo('oscillation_limit', FLOAT, [1])],
    output: [
      valueInfo('residues', FLOAT, ['N', 'L']),
      valueInfo('level', INT64, ['N']),
      valueInfo('peak', FLOAT, ['N']),
      valueInfo('peak_index', INT64, ['N']),
    ],
  };
  return encodeModel(graph, {
    producerVersion: CTP_DECONVOLUTION_MODEL_VERSION,
    docString: 'Block-circulant truncated-SVD deconvolution with oscillation-index level choice (oSVD, Wu et al. 2003).',
  });
}

export function ctpDeconvolutionManifest(sha256: string) {
  return {
    id: CTP_DECONVOLUTION_MODEL_ID,
    version: CTP_DECONVOLUTION_MODEL_VERSION,
    file: 'model.onnx',
    sha256,
    description:
      'CT perfusion deconvolution: block-circulant truncated SVD at K regularisation levels, the least regularised level whose oscillation index is under the limit chosen per voxel (oSVD, Wu et al., MRM 2003). Pseudo-inverses are built per study from its arterial input function.',
    task: 'engine',
    inputs: [
      { name: 'curves', dtype: 'float32', shape: ['N', 'L'], description: 'zero-padded tissue concentration curves on a uniform grid' },
      {
        name: 'pseudo_inverses',
        dtype: 'float32',
        shape: ['K', 'L', 'L'],
        description: 'transposed truncated pseudo-inverses, least regularised first, divided by the interval',
      },
      { name: 'oscillation_limit', dtype: 'float32', shape: [1], description: "Wu's oscillation-index limit" },
    ],
    outputs: [
      { name: 'residues', dtype: 'float32', shape: ['N', 'L'], description: 'residue function (1/s) at the chosen level' },
      { name: 'level', dtype: 'int64', shape: ['N'], description: 'chosen level per voxel' },
      { name: 'peak', dtype: 'float32', shape: ['N'], description: 'maximum of the residue' },
      { name: 'peak_index', dtype: 'int64', shape: ['N'], description: 'index of the maximum' },
    ],
  };
}

export function writeCtpDeconvolutionModel(root = repositoryRoot()): { path: string; sha256: string } {
  const bytes = buildCtpDeconvolutionModel();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = resolve(root, 'models', CTP_DECONVOLUTION_MODEL_ID);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(ctpDeconvolutionManifest(sha256), null, 2) + '\n');
  return { path: join(dir, 'model.onnx'), sha256 };
}

if (require.main === module) {
  const { path, sha256 } = writeCtpDeconvolutionModel();
  process.stdout.write(`wrote ${path} (sha256 ${sha256})\n`);
}
