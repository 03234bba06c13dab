import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPart10, writePart10 } from '@nidus/dicom';
import { syntheticHeadCt, syntheticRadiograph } from '@nidus/testing';
import { InferenceRunError, ModelInputError, ModelOutputError, ModelTimeoutError } from './inference.errors';
import { ModelRegistry } from './model-registry';
import { ModelRunner } from './model-runner';
import { OnnxSessionRepository } from './onnx-session.repository';
import { badModel, writeBadModel, type BadModel } from './test/bad-models.fixture';

const MODELS = resolve(__dirname, '../../../models');
const radiograph = (o: Parameters<typeof syntheticRadiograph>[0] = {}) =>
  readPart10(writePart10(syntheticRadiograph({ rows: 64, columns: 48, ...o }).elements));

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe(ModelRunner.name, () => {
  let dir: string;
  let sessions: OnnxSessionRepository;
  let runner: ModelRunner;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-bad-models-'));
    for (const kind of ['ok', 'throws', 'nan', 'wrong-shape', 'wrong-dtype'] as BadModel[]) writeBadModel(dir, `bad-${kind}`, badModel(kind));
    sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
    runner = new ModelRunner(new ModelRegistry(dir), sessions);
  });
  afterAll(async () => {
    await sessions.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a model that behaves', async () => {
    const result = await runner.run('bad-ok', [radiograph()]);
    expect(result.task === 'classification' && result.findings[0].probability).toBeGreaterThan(0.5);
  });

  it.each([
    ['bad-nan', 'not-finite', /y holds NaN/],
    ['bad-wrong-shape', 'shape', /y is \[1, 2\], the manifest declares \[1, 1\]/],
    ['bad-wrong-dtype', 'dtype', /y is int64, the manifest declares float32/],
  ])('%s fails with ModelOutputError (%s)', async (id, reason, message) => {
    const error = await failure(runner.run(id, [radiograph()]));
    expect(error).toBeInstanceOf(ModelOutputError);
    expect(error).toMatchObject({ reason, modelId: id });
    expect(error.message).toMatch(message);
  });

  it('a model that throws fails with InferenceRunError, and its session still serves inputs it can take', async () => {
    const error = await failure(runner.run('bad-throws', [radiograph()]));
    expect(error).toBeInstanceOf(InferenceRunError);
    expect(error.message).toMatch(/bad-throws@1 failed to run/);
    const fits = await runner.run('bad-throws', [radiograph({ rows: 1, columns: 7 })]);
    expect(fits.task).toBe('classification');
  });

  it('names what it cannot take: wrong modality, too few slices, a colour image, images that are not one volume', async () => {
    const demo = new ModelRunner(new ModelRegistry(MODELS), sessions);
    const ct = syntheticHeadCt({ rows: 32, columns: 32, slices: 6, pixelSpacingMm: 7 }).images;
    const reasons = async (id: string, images: ReturnType<typeof readPart10>[]) => {
      const error = await failure(demo.run(id, images));
      expect(error).toBeInstanceOf(ModelInputError);
      return (error as ModelInputError).reason;
    };
    expect(
      await reasons(
        'demo-cxr-opacity',
        ct.slice(0, 1).map((e) => readPart10(writePart10(e))),
      ),
    ).toBe('modality');
    expect(
      await reasons(
        'demo-ct-hyperdensity',
        ct.slice(0, 3).map((e) => readPart10(writePart10(e))),
      ),
    ).toBe('too-few-slices');
    expect(await reasons('demo-ct-hyperdensity', [radiograph()])).toBe('modality');
    const colour = readPart10(
      writePart10({
        ...syntheticRadiograph({ rows: 4, columns: 4 }).elements,
        SamplesPerPixel: 3,
        PhotometricInterpretation: 'RGB',
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PlanarConfiguration: 0,
        PixelData: new Uint8Array(48),
      }),
    );
    expect(await reasons('demo-cxr-opacity', [colour])).toBe('photometric');
    expect(await reasons('demo-cxr-opacity', [radiograph(), radiograph()])).toBe('image-count');
    const gap = ct.map((e, z) => readPart10(writePart10({ ...e, ImagePositionPatient: [0, 0, z === 5 ? 60 : z * 5] })));
    expect(await reasons('demo-ct-hyperdensity', gap)).toBe('geometry');
  });

  it('a model past its time limit fails with ModelTimeoutError at the limit, and the pool goes on', async () => {
    const slowDir = mkdtempSync(join(tmpdir(), 'nidus-slow-model-'));
    try {
      // calibrate: a run of the slow graph should take about 3 s without a limit (onnxruntime cannot be
      // interrupted, so the abandoned thread finishes it before it ends)
      const probe = badModel('slow', { iterations: 2000, size: 64 });
      await sessions.load('probe', probe);
      const t0 = performance.now();
      await sessions.run('probe', probe, { image: { type: 'float32', data: new Float32Array(4), dims: [1, 1, 2, 2] } });
      const perIteration = (performance.now() - t0) / 2000;
      const iterations = Math.ceil(3000 / Math.max(perIteration, 1e-4));
      writeBadModel(slowDir, 'bad-slow', badModel('slow', { iterations, size: 64 }), 0.3);
      const slow = new ModelRunner(new ModelRegistry(slowDir), sessions);
      const started = performance.now();
      const error = await failure(slow.run('bad-slow', [radiograph()]));
      expect(error).toBeInstanceOf(ModelTimeoutError);
      expect(error.message).toBe('model bad-slow@1 did not finish within its time limit of 300 ms');
      // loading the session comes first and is not timed; the run itself is stopped waiting for at 0.3 s
      expect(performance.now() - started).toBeLessThan(300 + 2500);
      // the pool goes on: another model runs at once (one run at a time: the slot was freed at the limit)
      expect((await runner.run('bad-ok', [radiograph()])).task).toBe('classification');
      expect(sessions.stuckRuns()).toBe(1);
      // the abandoned thread is ended when its run returns, not inside it (that would abort the process)
      while (sessions.stuckRuns() > 0) await new Promise((r) => setTimeout(r, 100));
    } finally {
      rmSync(slowDir, { recursive: true, force: true });
    }
  });
});
