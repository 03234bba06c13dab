import { ModelOutputError } from '../inference.errors';
import { outputTensorSchema } from '../manifest/model-output.schema';
import { checkOutput } from './output-check';

const declared = outputTensorSchema.parse({ name: 'logits', shape: ['N', 2] });
const tensor = (data: number[], dims: number[], type = 'float32') => ({ logits: { type, data: Float32Array.from(data), dims } });

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ModelOutputError) return error.reason;
    throw error;
  }
  return undefined;
}

describe(checkOutput.name, () => {
  it('passes an output as declared, with named dimensions equal to the input', () => {
    expect(checkOutput('m', tensor([1, 2, 3, 4], [2, 2]), declared, { N: 2 })).toEqual({ data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] });
  });

  it('names each way an output can be wrong', () => {
    expect(reason(() => checkOutput('m', {}, declared, { N: 1 }))).toBe('missing');
    expect(reason(() => checkOutput('m', tensor([1, 2], [1, 2], 'int64'), declared, { N: 1 }))).toBe('dtype');
    expect(reason(() => checkOutput('m', tensor([1, 2, 3], [1, 3]), declared, { N: 1 }))).toBe('shape');
    expect(reason(() => checkOutput('m', tensor([1, 2], [2]), declared, { N: 1 }))).toBe('shape');
    expect(reason(() => checkOutput('m', tensor([1, 2, 3, 4], [2, 2]), declared, { N: 1 }))).toBe('shape');
    expect(reason(() => checkOutput('m', tensor([1, NaN], [1, 2]), declared, { N: 1 }))).toBe('not-finite');
    expect(reason(() => checkOutput('m', tensor([Infinity, 0], [1, 2]), declared, { N: 1 }))).toBe('not-finite');
  });

  it('says which tensor, what it is and what was declared', () => {
    expect(() => checkOutput('demo', tensor([1, 2, 3], [1, 3]), declared, { N: 1 })).toThrow(
      'model demo returned an unusable output (shape): logits is [1, 3], the manifest declares [N, 2]',
    );
  });
});
