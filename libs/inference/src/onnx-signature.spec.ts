import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OnnxFormatError } from './inference.errors';
import { readOnnxSignature } from './onnx-signature';
import { OnnxSessionRepository } from './onnx-session.repository';

const MODELS = resolve(__dirname, '../../../models');

describe(readOnnxSignature.name, () => {
  it('reads the inputs and outputs onnxruntime reads, for every shipped model', async () => {
    const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
    try {
      for (const id of ['ctp-deconvolution', 'demo-cxr-opacity', 'demo-ct-hyperdensity', 'demo-mr-lesion']) {
        const bytes = new Uint8Array(readFileSync(join(MODELS, id, 'model.onnx')));
        expect(readOnnxSignature(bytes)).toEqual(await sessions.describe(id, bytes));
      }
    } finally {
      await sessions.release();
    }
  });

  it('refuses bytes that are not an ONNX model', () => {
    expect(() => readOnnxSignature(new Uint8Array([1, 2, 3]))).toThrow(OnnxFormatError);
  });
});
