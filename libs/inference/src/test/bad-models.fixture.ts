import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { onnx } from 'onnx-proto';
import {
  encodeModel,
  FLOAT,
  floatTensor,
  graphAttribute,
  INT64,
  int64Tensor,
  intAttribute,
  intsAttribute,
  node,
  valueInfo,
} from '../../../../scripts/onnx-graph';

/** Graphs that misbehave on purpose, each taking image [1, 1, H, W] and returning y [1, 1] (or not). */
export type BadModel = 'ok' | 'throws' | 'nan' | 'wrong-shape' | 'wrong-dtype' | 'slow';

const image = valueInfo('image', FLOAT, [1, 1, 'H', 'W']);

function mean(from: string, to: string): onnx.INodeProto[] {
  return [node('ReduceMean', [from], [to], [intsAttribute('axes', [2, 3]), intAttribute('keepdims', 0)])];
}

/** The bytes of a misbehaving graph; `slow` loops `iterations` times over a size x size MatMul. */
export function badModel(kind: BadModel, slow = { iterations: 1, size: 256 }): Uint8Array {
  const initializer: onnx.ITensorProto[] = [];
  let nodes: onnx.INodeProto[];
  let output = valueInfo('y', FLOAT, [1, 1]);
  switch (kind) {
    case 'ok':
      nodes = mean('image', 'y');
      break;
    case 'throws':
      // a reshape to 7 values: fine for a 1 x 7 image, an error at run time for any other size
      initializer.push(int64Tensor('seven', [7]), int64Tensor('one_one', [1, 1]));
      nodes = [
        node('Reshape', ['image', 'seven'], ['flat']),
        node('ReduceMean', ['flat'], ['m'], [intAttribute('keepdims', 1)]),
        node('Reshape', ['m', 'one_one'], ['y']),
      ];
      break;
    case 'nan':
      // (x - x) / (x - x) is 0 / 0
      nodes = [node('Sub', ['image', 'image'], ['zero']), node('Div', ['zero', 'zero'], ['nan']), ...mean('nan', 'y')];
      break;
    case 'wrong-shape':
      nodes = [...mean('image', 'm'), node('Concat', ['m', 'm'], ['y'], [intAttribute('axis', 1)])];
      output = valueInfo('y', FLOAT, [1, 2]);
      break;
    case 'wrong-dtype':
      nodes = [...mean('image', 'm'), node('Cast', ['m'], ['y'], [intAttribute('to', INT64)])];
      output = valueInfo('y', INT64, [1, 1]);
      break;
    case 'slow': {
      const n = slow.size;
      initializer.push(
        int64Tensor('trips', [slow.iterations], []),
        { name: 'keep_going', dataType: 9, dims: [], int32Data: [1] },
        floatTensor('weights', new Array(n * n).fill(1 / n), [n, n]),
        floatTensor('start', new Array(n * n).fill(0.5), [n, n]),
      );
      const body: onnx.IGraphProto = {
        name: 'spin',
        node: [node('MatMul', ['state_in', 'weights'], ['product']), node('Tanh', ['product'], ['state_out']), node('Identity', ['cond_in'], ['cond_out'])],
        input: [valueInfo('i', INT64, []), valueInfo('cond_in', 9, []), valueInfo('state_in', FLOAT, [n, n])],
        output: [valueInfo('cond_out', 9, []), valueInfo('state_out', FLOAT, [n, n])],
      };
      nodes = [
        node('Loop', ['trips', 'keep_going', 'start'], ['final'], [graphAttribute('body', body)]),
        node('ReduceMean', ['final'], ['spun'], [intAttribute('keepdims', 1)]),
        ...mean('image', 'm'),
        node('Add', ['m', 'spun'], ['y']),
      ];
      break;
    }
  }
  return encodeModel(
    { name: `bad_${kind.replace('-', '_')}`, node: nodes, initializer, input: [image], output: [output] },
    { producerVersion: '0', docString: `test model: ${kind}` },
  );
}

/** Writes models/<id>/ for a bad model with a classification manifest (sigmoid, one label) that says y is [1, 1] float32. */
export function writeBadModel(directory: string, id: string, bytes: Uint8Array, timeLimitSeconds?: number): void {
  const dir = join(directory, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  const manifest = {
    id,
    version: '1',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    task: 'classification',
    description: 'a test model',
    intendedUse: 'tests only',
    appliesTo: { Modality: ['DX', 'CR'] },
    consumes: 'image',
    input: { name: 'image', layout: 'NCHW', shape: [1, 1, 'H', 'W'] },
    preprocessing: [{ op: 'modalityLut' }],
    output: { tensor: { name: 'y', shape: [1, 1] }, activation: 'sigmoid', labels: [{ code: { scheme: 'DCM', value: '112001', meaning: 'Opacity' } }] },
    runtime: timeLimitSeconds === undefined ? {} : { timeLimitSeconds },
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest, null, 2));
}
