import { Worker } from 'node:worker_threads';
import { InferenceRunError, ModelTimeoutError } from './inference.errors';
import type { TensorValue } from './tensor-value';

export interface OnnxTensorInput {
  type: 'float32' | 'int64' | 'int32' | 'uint8';
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  dims: readonly number[];
}

export type OnnxTensorOutput = TensorValue;

export interface OnnxSessionOptions {
  /** threads of one operator (0: onnxruntime's default, one per core) */
  intraOpNumThreads?: number;
  /** onnxruntime execution providers in order of preference; default ['cpu'] (e.g. ['cuda', 'cpu'] with a CUDA build) */
  executionProviders?: string[];
  /** runs under way at once, over all models; default 1 */
  maxConcurrentRuns?: number;
  /** model versions with an open session (one thread each); beyond it the least recently used idle one is closed; default 8 */
  maxOpenSessions?: number;
  /** time limit of a run when the caller gives none, ms; default none */
  timeLimitMs?: number;
}

export interface OnnxRunOptions {
  /** this run's time limit, ms: past it the promise rejects with ModelTimeoutError and the model's thread is ended */
  timeLimitMs?: number;
  /** hand the input buffers to the worker instead of copying them (the caller's arrays become unusable) */
  transferInputs?: boolean;
}

/** Names, element types and shapes of a session's inputs and outputs, as onnxruntime reads them from the graph. */
export interface SessionDescription {
  inputs: { name: string; type?: string; shape?: (number | string)[] }[];
  outputs: { name: string; type?: string; shape?: (number | string)[] }[];
}

// The worker's program: one session, for one model version. onnxruntime-node's run is a synchronous native
// call, so it runs on a thread of its own where it cannot stall the caller's event loop or other models; and
// there the runtime's JavaScript and the typed arrays its native code creates share one realm, whatever realm
// the caller lives in (jest's sandbox included).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.runtimePath);
let session;
const metadata = (names, list) => names.map((name, i) => {
  const m = list && list[i];
  return m && m.isTensor ? { name, type: m.type, shape: m.shape } : { name };
});
parentPort.on('message', async (message) => {
  try {
    if (message.op === 'load') {
      session = await ort.InferenceSession.create(message.bytes, {
        executionProviders: workerData.executionProviders,
        graphOptimizationLevel: 'all',
        intraOpNumThreads: workerData.intraOpNumThreads,
      });
      parentPort.postMessage({ id: message.id });
    } else if (message.op === 'describe') {
      parentPort.postMessage({ id: message.id, description: {
        inputs: metadata(session.inputNames, session.inputMetadata),
        outputs: metadata(session.outputNames, session.outputMetadata),
      } });
    } else if (message.op === 'run') {
      const feeds = {};
      for (const [name, input] of Object.entries(message.inputs)) feeds[name] = new ort.Tensor(input.type, input.data, input.dims);
      const results = await session.run(feeds);
      const outputs = {};
      const transfer = [];
      for (const [name, tensor] of Object.entries(results)) {
        outputs[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims };
        if (tensor.data && tensor.data.buffer) transfer.push(tensor.data.buffer);
      }
      parentPort.postMessage({ id: message.id, outputs }, transfer);
    } else if (message.op === 'release') {
      if (session) await session.release();
      session = undefined;
      parentPort.postMessage({ id: message.id });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message ? error.message : error) });
  }
});
`;

interface Reply {
  id: number;
  outputs?: Record<string, OnnxTensorOutput>;
  description?: SessionDescription;
  error?: string;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** The thread and session of one model version. */
class Lane {
  worker: Worker | undefined;
  loaded: Promise<void> | undefined;
  readonly pending = new Map<number, Pending>();
  busy = false;
  lastUsed = 0;
  constructor(
    readonly key: string,
    public bytes: Uint8Array,
  ) {}
}

interface QueuedRun {
  lane: Lane;
  start: () => Promise<void>;
}

/**
 * onnxruntime-node behind a small class: one session per model version (key), opened once on a thread of its
 * own and reused; runs take and return plain typed arrays. A bounded pool: at most `maxConcurrentRuns` runs at
 * once (the rest wait in order), one at a time per model. A run past its time limit rejects with
 * ModelTimeoutError at the limit and its thread is ended, so other models go on and the next run of that model
 * opens a fresh session; a run that throws rejects with InferenceRunError and leaves the session usable.
 * Threads hold the process open only while a request is in flight.
 */
export class OnnxSessionRepository {
  private readonly lanes = new Map<string, Lane>();
  private readonly queue: QueuedRun[] = [];
  private readonly abandoned = new Set<Worker>();
  private running = 0;
  private nextId = 1;
  private clock = 0;

  constructor(private readonly options: OnnxSessionOptions = {}) {}

  private lane(key: string, bytes: Uint8Array): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(key, bytes);
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private spawn(lane: Lane): Worker {
    this.closeIdleBeyondLimit(lane);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        runtimePath: require.resolve('onnxruntime-node'),
        intraOpNumThreads: this.options.intraOpNumThreads ?? 0,
        executionProviders: this.options.executionProviders ?? ['cpu'],
      },
    });
    worker.on('message', (reply: Reply) => {
      const request = lane.pending.get(reply.id);
      if (!request) return;
      lane.pending.delete(reply.id);
      if (lane.pending.size === 0) worker.unref();
      if (reply.error !== undefined) request.reject(new InferenceRunError(reply.error));
      else request.resolve(reply);
    });
    const ended = (error: Error) => {
      if (lane.worker !== worker) return;
      lane.worker = undefined;
      lane.loaded = undefined;
      for (const request of lane.pending.values()) request.reject(error);
      lane.pending.clear();
    };
    worker.on('error', (error) => ended(new InferenceRunError(`the onnxruntime thread of ${lane.key} failed: ${error.message}`)));
    worker.on('exit', (code) => ended(new InferenceRunError(`the onnxruntime thread of ${lane.key} exited (code ${code})`)));
    worker.unref();
    lane.worker = worker;
    return worker;
  }

  /** Closes least recently used idle sessions while more than maxOpenSessions are open. */
  private closeIdleBeyondLimit(except: Lane): void {
    const limit = this.options.maxOpenSessions ?? 8;
    const open = [...this.lanes.values()].filter((l) => l.worker && l !== except);
    if (open.length < limit) return;
    const idle = open.filter((l) => !l.busy && l.pending.size === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const l of idle.slice(0, open.length - limit + 1)) this.end(l);
  }

  /** Ends a lane's thread without waiting for it (a thread inside a native call ends when the call returns). */
  private end(lane: Lane, reason = `the session of ${lane.key} was closed`): void {
    const worker = lane.worker;
    lane.worker = undefined;
    lane.loaded = undefined;
    for (const request of lane.pending.values()) request.reject(new InferenceRunError(reason));
    lane.pending.clear();
    if (!worker) return;
    this.abandoned.add(worker);
    void worker.terminate().finally(() => this.abandoned.delete(worker));
  }

  private request(lane: Lane, message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const worker = lane.worker ?? this.spawn(lane);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      lane.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  private ensureLoaded(lane: Lane): Promise<void> {
    if (!lane.worker) lane.loaded = undefined;
    lane.loaded ??= this.request(lane, { op: 'load', bytes: lane.bytes }).then(
      () => undefined,
      (error: Error) => {
        lane.loaded = undefined;
        throw new InferenceRunError(`cannot load model ${lane.key}: ${error.message}`);
      },
    );
    return lane.loaded;
  }

  private pump(): void {
    const limit = Math.max(1, this.options.maxConcurrentRuns ?? 1);
    while (this.running < limit) {
      const index = this.queue.findIndex((q) => !q.lane.busy);
      if (index < 0) return;
      const [next] = this.queue.splice(index, 1);
      next.lane.busy = true;
      this.running++;
      void next.start().finally(() => {
        next.lane.busy = false;
        next.lane.lastUsed = ++this.clock;
        this.running--;
        this.pump();
      });
    }
  }

  /** Opens the session for `key` from the model's bytes (once; again after its thread was ended). */
  async load(key: string, bytes: Uint8Array): Promise<void> {
    await this.ensureLoaded(this.lane(key, bytes));
  }

  /** The inputs and outputs the model's graph declares. */
  async describe(key: string, bytes: Uint8Array): Promise<SessionDescription> {
    const lane = this.lane(key, bytes);
    await this.ensureLoaded(lane);
    return (await this.request(lane, { op: 'describe' })).description!;
  }

  /** Runs the model of `key` (opening its session from `bytes` if needed) when the pool has room. */
  run(key: string, bytes: Uint8Array, inputs: Record<string, OnnxTensorInput>, options: OnnxRunOptions = {}): Promise<Record<string, OnnxTensorOutput>> {
    const lane = this.lane(key, bytes);
    lane.bytes = bytes;
    const limit = options.timeLimitMs ?? this.options.timeLimitMs;
    return new Promise((resolve, reject) => {
      const start = async () => {
        try {
          await this.ensureLoaded(lane);
        } catch (error) {
          reject(error as Error);
          return;
        }
        const transfer = options.transferInputs ? Object.values(inputs).map((i) => i.data.buffer as ArrayBuffer) : [];
        const reply = this.request(lane, { op: 'run', inputs }, transfer);
        let timer: NodeJS.Timeout | undefined;
        const timeout =
          limit === undefined
            ? undefined
            : new Promise<never>((_, fail) => {
                timer = setTimeout(() => fail(new ModelTimeoutError(key, limit)), limit);
              });
        try {
          const result = await (timeout ? Promise.race([reply, timeout]) : reply);
          resolve(result.outputs ?? {});
        } catch (error) {
          if (error instanceof ModelTimeoutError) {
            reply.catch(() => undefined);
            this.end(lane, `the run of ${key} passed its time limit`);
            reject(error);
          } else reject(new InferenceRunError(`model ${key} failed to run: ${(error as Error).message}`));
        } finally {
          if (timer) clearTimeout(timer);
        }
      };
      this.queue.push({ lane, start });
      this.pump();
    });
  }

  /** Closes every session and ends every thread, including those of runs abandoned at their time limit. */
  async release(): Promise<void> {
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all(
      lanes.map(async (lane) => {
        const worker = lane.worker;
        if (!worker) return;
        if (lane.busy) {
          this.end(lane, 'the onnxruntime sessions were released');
          return;
        }
        await this.request(lane, { op: 'release' }).catch(() => undefined);
        lane.worker = undefined;
        await worker.terminate();
      }),
    );
    // a thread still inside a native call ends when the call returns; do not wait for it here
    for (const worker of this.abandoned) worker.unref();
  }
}
