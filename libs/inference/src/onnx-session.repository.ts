import { Worker } from 'node:worker_threads';
import { InferenceRunError } from './inference.errors';

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
  /** threads of one operator (0: onnxruntime's default, one per core) */
  intraOpNumThreads?: number;
}

// The worker's program. onnxruntime-node's run is a synchronous native call, so it runs on its own thread
// where it cannot stall the caller's event loop; and there the runtime's JavaScript and the typed arrays
// its native code creates share one realm, whatever realm the caller lives in (jest's sandbox included).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.runtimePath);
const sessions = new Map();
parentPort.on('message', async (message) => {
  try {
    if (message.op === 'load') {
      if (!sessions.has(message.key)) {
        sessions.set(message.key, await ort.InferenceSession.create(message.bytes, {
          executionProviders: ['cpu'],
          graphOptimizationLevel: 'all',
          intraOpNumThreads: workerData.intraOpNumThreads,
        }));
      }
      parentPort.postMessage({ id: message.id });
    } else if (message.op === 'run') {
      const session = sessions.get(message.key);
      if (!session) throw new Error('model ' + message.key + ' is not loaded');
      const feeds = {};
      for (const [name, input] of Object.entries(message.inputs)) feeds[name] = new ort.Tensor(input.type, input.data, input.dims);
      const results = await session.run(feeds);
      const outputs = {};
      const transfer = [];
      for (const [name, tensor] of Object.entries(results)) {
        outputs[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims };
        transfer.push(tensor.data.buffer);
      }
      parentPort.postMessage({ id: message.id, outputs }, transfer);
    } else if (message.op === 'release') {
      for (const session of sessions.values()) await session.release();
      sessions.clear();
      parentPort.postMessage({ id: message.id });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message ? error.message : error) });
  }
});
`;

interface Pending {
  resolve: (value: Record<string, OnnxTensorOutput> | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * onnxruntime-node behind a small class (CPU execution provider), on a worker thread of its own: sessions
 * are created from model bytes once per key and reused; runs take and return plain typed arrays. The
 * thread holds the process open only while a request is in flight.
 */
export class OnnxSessionRepository {
  private worker: Worker | undefined;
  private readonly loaded = new Map<string, Promise<void>>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: OnnxSessionOptions = {}) {}

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { runtimePath: require.resolve('onnxruntime-node'), intraOpNumThreads: this.options.intraOpNumThreads ?? 0 },
    });
    worker.on('message', (message: { id: number; outputs?: Record<string, OnnxTensorOutput>; error?: string }) => {
      const request = this.pending.get(message.id);
      if (!request) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.error !== undefined) request.reject(new InferenceRunError(message.error));
      else request.resolve(message.outputs);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.loaded.clear();
      this.fail(new InferenceRunError(`the onnxruntime thread exited (code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    for (const request of this.pending.values()) request.reject(error instanceof InferenceRunError ? error : new InferenceRunError(error.message));
    this.pending.clear();
  }

  private request(message: Record<string, unknown>): Promise<Record<string, OnnxTensorOutput> | undefined> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id });
    });
  }

  /** Creates the session for `key` from the model's bytes (once). */
  load(key: string, bytes: Uint8Array): Promise<void> {
    let loading = this.loaded.get(key);
    if (!loading) {
      loading = this.request({ op: 'load', key, bytes }).then(
        () => undefined,
        (error: Error) => {
          this.loaded.delete(key);
          throw new InferenceRunError(`cannot load model ${key}: ${error.message}`);
        },
      );
      this.loaded.set(key, loading);
    }
    return loading;
  }

  async run(key: string, bytes: Uint8Array, inputs: Record<string, OnnxTensorInput>): Promise<Record<string, OnnxTensorOutput>> {
    await this.load(key, bytes);
    try {
      return (await this.request({ op: 'run', key, inputs })) ?? {};
    } catch (error) {
      throw new InferenceRunError(`model ${key} failed to run: ${(error as Error).message}`);
    }
  }

  async release(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.request({ op: 'release' }).catch(() => undefined);
    this.worker = undefined;
    this.loaded.clear();
    await worker.terminate();
  }
}
