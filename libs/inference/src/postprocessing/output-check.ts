import { ModelOutputError } from '../inference.errors';
import type { OutputTensor } from '../manifest/model-output.schema';
import type { TensorValue } from '../tensor-value';

/** A checked output: its values as float32 and its dimensions. */
export interface CheckedOutput {
  data: Float32Array;
  dims: number[];
}

/**
 * Checks one run's output against its declaration: present, the declared dtype, the declared rank, fixed
 * dimensions exact and named dimensions equal to the input's of the same name (e.g. N), every value finite.
 */
export function checkOutput(modelId: string, outputs: Record<string, TensorValue>, declared: OutputTensor, symbols: Record<string, number>): CheckedOutput {
  const tensor = outputs[declared.name];
  if (!tensor)
    throw new ModelOutputError(modelId, 'missing', `no output named ${declared.name} (the model returned ${Object.keys(outputs).join(', ') || 'nothing'})`);
  if (tensor.type !== declared.dtype)
    throw new ModelOutputError(modelId, 'dtype', `${declared.name} is ${tensor.type}, the manifest declares ${declared.dtype}`);
  const dims = [...tensor.dims].map(Number);
  const shape = `[${dims.join(', ')}]`;
  if (dims.length !== declared.shape.length)
    throw new ModelOutputError(modelId, 'shape', `${declared.name} is ${shape}, the manifest declares [${declared.shape.join(', ')}]`);
  const seen: Record<string, number> = { ...symbols };
  declared.shape.forEach((d, i) => {
    if (typeof d === 'number') {
      if (dims[i] !== d) throw new ModelOutputError(modelId, 'shape', `${declared.name} is ${shape}, the manifest declares [${declared.shape.join(', ')}]`);
    } else if (seen[d] !== undefined && seen[d] !== dims[i]) {
      throw new ModelOutputError(modelId, 'shape', `${declared.name} is ${shape}: dimension ${d} is ${dims[i]}, the input's ${d} is ${seen[d]}`);
    } else seen[d] = dims[i];
  });
  const expected = dims.reduce((a, b) => a * b, 1);
  if (tensor.data.length !== expected) throw new ModelOutputError(modelId, 'shape', `${declared.name} holds ${tensor.data.length} values for ${shape}`);
  let data: Float32Array;
  if (tensor.data instanceof Float32Array) data = tensor.data;
  else if (tensor.data instanceof BigInt64Array) {
    data = new Float32Array(expected);
    for (let i = 0; i < expected; i++) data[i] = Number(tensor.data[i]);
  } else data = Float32Array.from(tensor.data as ArrayLike<number>);
  for (let i = 0; i < expected; i++) {
    if (!Number.isFinite(data[i])) throw new ModelOutputError(modelId, 'not-finite', `${declared.name} holds ${data[i]} at index ${i}`);
  }
  return { data, dims };
}
