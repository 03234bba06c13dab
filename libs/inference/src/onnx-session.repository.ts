import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { InferenceRunError } from './inference.errors';

// onnxruntime-node is loaded lazily: importing this file costs nothing until a session is made.
type OrtModule = typeof import('onnxruntime-node');
let ort: OrtModule | undefined;
function runtime(): OrtModule {
  ort ??= require('onnxruntime-node') as OrtModule;
  return ort;
}

export interface OnnxTensorInput {
  type: 'float32' | 'int64' | 'int32' | 'uint8';
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  dims: readonly number[];
}

export interface OnnxTensorOutput {
  type: string;
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Float64Array;
  dims: readonly number[];
}

export interface OnnxSessionOptions {
  intraOpNumThreads?: number;
}

/**
 * onnxruntime-node behind a small class (CPU execution provider): sessions are created from model bytes
 * once per key and reused; runs take and return plain typed arrays.
 */
export class OnnxSessionRepository {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  constructor(private readonly options: OnnxSessionOptions = {}) {}

  session(key: string, bytes: Uint8Array): Promise<InferenceSession> {
    let session = this.sessions.get(key);
    if (!session) {
      session = runtime()
        .InferenceSession.create(bytes, {
          executionProviders: ['cpu'],
          graphOptimizationLevel: 'all',
          intraOpNumThreads: this.options.intraOpNumThreads ?? 0,
        })
        .catch((error: Error) => {
          this.sessions.delete(key);
          throw new InferenceRunError(`cannot load model ${key}: ${error.message}`);
        });
      this.sessions.set(key, session);
    }
    return session;
  }

  async run(key: string, bytes: Uint8Array, inputs: Record<string, OnnxTensorInput>): Promise<Record<string, OnnxTensorOutput>> {
    const session = await this.session(key, bytes);
    const { Tensor: OrtTensor } = runtime();
    const feeds: Record<string, Tensor> = {};
    for (const [name, input] of Object.entries(inputs)) feeds[name] = new OrtTensor(input.type, input.data, input.dims);
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(feeds);
    } catch (error) {
      throw new InferenceRunError(`model ${key} failed to run: ${(error as Error).message}`);
    }
    const outputs: Record<string, OnnxTensorOutput> = {};
    for (const [name, value] of Object.entries(results)) {
      const tensor = value as Tensor;
      outputs[name] = { type: tensor.type, data: tensor.data as OnnxTensorOutput['data'], dims: tensor.dims };
    }
    return outputs;
  }

  async release(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) await (await session.catch(() => null))?.release();
  }
}
