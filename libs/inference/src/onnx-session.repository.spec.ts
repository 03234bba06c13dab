import { InferenceRunError, ModelTimeoutError } from './inference.errors';
import { OnnxSessionRepository } from './onnx-session.repository';
import { badModel } from './test/bad-models.fixture';

const input = () => ({ image: { type: 'float32' as const, data: new Float32Array(4).fill(1), dims: [1, 1, 2, 2] } });

/** A graph that takes about `ms` to run on this machine now, measured on a probe. */
async function slowModel(sessions: OnnxSessionRepository, ms: number): Promise<Uint8Array> {
  const probe = badModel('slow', { iterations: 1000, size: 64 });
  await sessions.load('calibration', probe);
  const t0 = performance.now();
  await sessions.run('calibration', probe, input());
  const perIteration = Math.max((performance.now() - t0) / 1000, 1e-4);
  return badModel('slow', { iterations: Math.ceil(ms / perIteration), size: 64 });
}

describe(OnnxSessionRepository.name, () => {
  it('reads the graph of a session: input and output names, types and shapes', async () => {
    const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
    try {
      const d = await sessions.describe('ok', badModel('ok'));
      expect(d.inputs).toEqual([{ name: 'image', type: 'float32', shape: [1, 1, 'H', 'W'] }]);
      expect(d.outputs).toEqual([{ name: 'y', type: 'float32', shape: [1, 1] }]);
    } finally {
      await sessions.release();
    }
  });

  it('frees the place of a run at its time limit: the run queued behind it goes at once', async () => {
    const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1, maxConcurrentRuns: 1 });
    try {
      const slow = await slowModel(sessions, 3000);
      await sessions.load('slow', slow);
      await sessions.load('ok', badModel('ok'));
      const started = performance.now();
      const timedOut = sessions.run('slow', slow, input(), { timeLimitMs: 250 });
      const queued = sessions.run('ok', badModel('ok'), input());
      await expect(timedOut).rejects.toBeInstanceOf(ModelTimeoutError);
      const outputs = await queued;
      expect(outputs.y.data[0]).toBe(1);
      expect(performance.now() - started).toBeLessThan(1500); // not the 3 s of the slow run
      expect(sessions.stuckRuns()).toBe(1);
    } finally {
      await sessions.release(20000);
    }
    expect(sessions.stuckRuns()).toBe(0);
  });

  it('refuses a model whose runs are stuck past their limit, so that it cannot take every thread', async () => {
    const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1, maxConcurrentRuns: 2, maxStuckRuns: 1 });
    try {
      const slow = await slowModel(sessions, 2000);
      await expect(sessions.run('slow', slow, input(), { timeLimitMs: 100 })).rejects.toBeInstanceOf(ModelTimeoutError);
      await expect(sessions.run('slow', slow, input(), { timeLimitMs: 100 })).rejects.toThrow(/refused: 1 of its runs passed their time limit/);
      while (sessions.stuckRuns() > 0) await new Promise((r) => setTimeout(r, 100));
      // once the stuck run has returned, the model runs again on a fresh session
      await expect(sessions.run('slow', slow, input(), { timeLimitMs: 60000 })).resolves.toHaveProperty('y');
    } finally {
      await sessions.release(20000);
    }
  });

  it('release waits for a run under way and cancels the runs still queued', async () => {
    const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1, maxConcurrentRuns: 1 });
    const slow = await slowModel(sessions, 500);
    await sessions.load('slow', slow);
    const running = sessions.run('slow', slow, input());
    const queued = sessions.run('ok', badModel('ok'), input()).catch((error: Error) => error);
    await new Promise((r) => setTimeout(r, 50));
    await sessions.release();
    await expect(running).resolves.toHaveProperty('y');
    expect(await queued).toBeInstanceOf(InferenceRunError);
  });
});
