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
  /**
   * whether those threads spin while waiting for work (onnxruntime's session.intra_op.allow_spinning;
   * default true). Off, an idle session's threads leave the cores to other work of the process.
   */
  intraOpSpinning?: boolean;
  /** onnxruntime execution providers in order of preference; default ['cpu'] (e.g. ['cuda', 'cpu'] with a CUDA build) */
  executionProviders?: string[];
  /** runs under way at once, over all models; default 1 */
  maxConcurrentRuns?: number;
  /** model versions with an open session (one thread each); beyond it the least recently used idle one is closed; default 8 */
  maxOpenSessions?: number;
  /** time limit of a run when the caller gives none, ms; default none */
  timeLimitMs?: number;
  /** runs of one model past their time limit and still inside onnxruntime before its next runs are refused; default 2 */
  maxStuckRuns?: number;
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
        extra: { session: { intra_op: { allow_spinning: workerData.intraOpSpinning ? '1' : '0' } } },
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

/** A thread, its session and the requests it has not answered. */
interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  loaded?: Promise<void>;
  /** called once when no request is pending */
  whenIdle: (() => void)[];
  closing?: Promise<void>;
}

function settle(thread: Thread): void {
  if (thread.pending.size > 0) return;
  thread.worker.unref();
  for (const done of thread.whenIdle.splice(0)) done();
}

/** Resolves when the thread has answered every request sent so far. */
function idle(thread: Thread): Promise<void> {
  return thread.pending.size === 0 ? Promise.resolve() : new Promise((resolve) => thread.whenIdle.push(resolve));
}

/** The session of one model version, on a thread of its own. */
class Lane {
  thread: Thread | undefined;
  /** threads of runs that passed their time limit and are still inside onnxruntime */
  readonly stuck = new Set<Thread>();
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
  cancel: (error: Error) => void;
}

/**
 * onnxruntime-node behind a small class: one session per model version (key), opened once on a thread of its
 * own and reused; runs take and return plain typed arrays. A bounded pool: at most `maxConcurrentRuns` runs at
 * once (the rest wait in order), one at a time per model.
 *
 * A run past its time limit rejects with ModelTimeoutError at the limit and frees its place at once; its thread
 * is set aside (onnxruntime cannot be interrupted, and ending a thread inside it aborts the process), ended as
 * soon as the run returns, and the model's next run opens a fresh session on a new thread. A model with
 * `maxStuckRuns` runs still stuck is refused (InferenceRunError) until one returns, so a model that never returns
 * cannot take every core. A run that throws rejects with InferenceRunError and leaves its session usable.
 * Threads hold the process open only while a request is in flight.
 */
export class OnnxSessionRepository {
  private readonly lanes = new Map<string, Lane>();
  private readonly queue: QueuedRun[] = [];
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

  private spawn(lane: Lane): Thread {
    this.closeIdleBeyondLimit(lane);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        runtimePath: require.resolve('onnxruntime-node'),
        intraOpNumThreads: this.options.intraOpNumThreads ?? 0,
        intraOpSpinning: this.options.intraOpSpinning !== false,
        executionProviders: this.options.executionProviders ?? ['cpu'],
      },
    });
    const thread: Thread = { worker, pending: new Map(), whenIdle: [] };
    worker.on('message', (reply: Reply) => {
      const request = thread.pending.get(reply.id);
      if (!request) return;
      thread.pending.delete(reply.id);
      if (reply.error !== undefined) request.reject(new InferenceRunError(reply.error));
      else request.resolve(reply);
      settle(thread);
    });
    const ended = (error: Error) => {
      if (lane.thread === thread) lane.thread = undefined;
      lane.stuck.delete(thread);
      for (const request of thread.pending.values()) request.reject(error);
      thread.pending.clear();
      settle(thread);
    };
    worker.on('error', (error) => ended(new InferenceRunError(`the onnxruntime thread of ${lane.key} failed: ${error.message}`)));
    worker.on('exit', (code) => ended(new InferenceRunError(`the onnxruntime thread of ${lane.key} exited (code ${code})`)));
    worker.unref();
    lane.thread = thread;
    return thread;
  }

  /** Closes least recently used idle sessions while more than maxOpenSessions are open. */
  private closeIdleBeyondLimit(except: Lane): void {
    const limit = this.options.maxOpenSessions ?? 8;
    const open = [...this.lanes.values()].filter((l) => l.thread && l !== except);
    if (open.length < limit) return;
    const idle = open.filter((l) => !l.busy && l.thread!.pending.size === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const l of idle.slice(0, open.length - limit + 1)) {
      const thread = l.thread!;
      l.thread = undefined;
      void this.close(thread);
    }
  }

  /** Ends an idle thread: its session released, then the thread (once, however often it is asked). */
  private close(thread: Thread): Promise<void> {
    thread.closing ??= (async () => {
      await this.send(thread, { op: 'release' }).catch(() => undefined);
      await thread.worker.terminate();
    })();
    return thread.closing;
  }

  /** Sets a thread whose run passed its limit aside: it is ended when that run returns, never inside it. */
  private setAside(lane: Lane, thread: Thread): void {
    if (lane.thread === thread) lane.thread = undefined;
    lane.stuck.add(thread);
    void idle(thread).then(() => {
      if (!lane.stuck.delete(thread)) return; // released meanwhile
      return this.close(thread);
    });
  }

  private send(thread: Thread, message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private ensureLoaded(lane: Lane): Promise<Thread> {
    const thread = lane.thread ?? this.spawn(lane);
    thread.loaded ??= this.send(thread, { op: 'load', bytes: lane.bytes }).then(
      () => undefined,
      (error: Error) => {
        thread.loaded = undefined;
        throw new InferenceRunError(`cannot load model ${lane.key}: ${error.message}`);
      },
    );
    return thread.loaded.then(() => thread);
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

  /** Opens the session for `key` from the model's bytes (once; again after its thread was set aside). */
  async load(key: string, bytes: Uint8Array): Promise<void> {
    await this.ensureLoaded(this.lane(key, bytes));
  }

  /** The inputs and outputs the model's graph declares. */
  async describe(key: string, bytes: Uint8Array): Promise<SessionDescription> {
    const thread = await this.ensureLoaded(this.lane(key, bytes));
    return (await this.send(thread, { op: 'describe' })).description!;
  }

  /** Threads still inside runs that passed their time limit, over all models. */
  stuckRuns(): number {
    return [...this.lanes.values()].reduce((n, lane) => n + lane.stuck.size, 0);
  }

  /** Runs the model of `key` (opening its session from `bytes` if needed) when the pool has room. */
  run(key: string, bytes: Uint8Array, inputs: Record<string, OnnxTensorInput>, options: OnnxRunOptions = {}): Promise<Record<string, OnnxTensorOutput>> {
    const lane = this.lane(key, bytes);
    lane.bytes = bytes;
    const limit = options.timeLimitMs ?? this.options.timeLimitMs;
    const maxStuck = this.options.maxStuckRuns ?? 2;
    if (lane.stuck.size >= maxStuck) {
      return Promise.reject(new InferenceRunError(`model ${key} is refused: ${lane.stuck.size} of its runs passed their time limit and have not returned`));
    }
    return new Promise((resolve, reject) => {
      const start = async () => {
        let thread: Thread;
        try {
          thread = await this.ensureLoaded(lane);
        } catch (error) {
          reject(error as Error);
          return;
        }
        const transfer = options.transferInputs ? Object.values(inputs).map((i) => i.data.buffer as ArrayBuffer) : [];
        const reply = this.send(thread, { op: 'run', inputs }, transfer);
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
            this.setAside(lane, thread);
            reject(error);
          } else reject(new InferenceRunError(`model ${key} failed to run: ${(error as Error).message}`));
        } finally {
          if (timer) clearTimeout(timer);
        }
      };
      this.queue.push({ lane, start, cancel: reject });
      this.pump();
    });
  }

  /**
   * Closes every session and ends every thread once its run is over: runs under way (and runs set aside at their
   * time limit) are waited for up to `waitMs`; a thread still inside onnxruntime after that is left to the end of
   * the process.
   */
  async release(waitMs = 10000): Promise<void> {
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    for (const queued of this.queue.splice(0))
      queued.cancel(new InferenceRunError(`model ${queued.lane.key} did not run: the onnxruntime sessions were released`));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    const threads = lanes.flatMap((lane) => [...(lane.thread ? [lane.thread] : []), ...lane.stuck]);
    await Promise.all(
      threads.map(async (thread) => {
        await Promise.race([idle(thread), deadline]);
        if (thread.pending.size === 0) await this.close(thread);
        else thread.worker.unref();
      }),
    );
    clearTimeout(timer);
  }
}
