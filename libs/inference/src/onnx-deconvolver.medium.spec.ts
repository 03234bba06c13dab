import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { circulantPseudoInverses, DEFAULT_SVD_THRESHOLDS, MatrixDeconvolver } from '@nidus/perfusion';
import { buildCtpDeconvolutionModel } from '../../../scripts/generate-ctp-deconvolution-model';
import { SeededRandom, TracerKinetics, DEFAULT_ARTERIAL_INPUT, tissueScale, uniformSamplingTimes } from '@nidus/testing';
import { InferenceRunError } from './inference.errors';
import { ModelRegistry } from './model-registry';
import { OnnxDeconvolver } from './onnx-deconvolver';
import { OnnxSessionRepository } from './onnx-session.repository';

const MODELS = resolve(__dirname, '../../../models');

describe(OnnxDeconvolver.name, () => {
  const sessions = new OnnxSessionRepository();
  afterAll(() => sessions.release());

  it('is built from the committed model, which the generator reproduces byte for byte', () => {
    const manifest = JSON.parse(readFileSync(join(MODELS, 'ctp-deconvolution', 'model.json'), 'utf8'));
    const sha = createHash('sha256').update(buildCtpDeconvolutionModel()).digest('hex');
    expect(sha).toBe(manifest.sha256);
  });

  it('gives the residues and oscillation-index levels of the TypeScript reference on noisy tissue curves', async () => {
    const times = uniformSamplingTimes(40, 1);
    const kinetics = new TracerKinetics(DEFAULT_ARTERIAL_INPUT, times);
    const aif = kinetics.arterialAtTimes();
    const N = times.length;
    const L = 2 * N;
    const { matrices } = circulantPseudoInverses(aif, 1, DEFAULT_SVD_THRESHOLDS);
    const random = new SeededRandom(9401);
    const V = 5000; // more than one batch of 4096
    const curves = new Float32Array(V * L);
    for (let v = 0; v < V; v++) {
      const unit = kinetics.unitTissueCurve('exponential', 2 + (v % 9), (v % 13) * 0.9);
      const noise = [0, 0.5, 2, 6][v % 4];
      for (let j = 0; j < N; j++) curves[v * L + j] = unit[j] * tissueScale(10 + (v % 50)) + noise * random.gaussian();
    }
    const request = { curves, voxelCount: V, length: L, pseudoInverses: matrices, levels: DEFAULT_SVD_THRESHOLDS.length, oscillationLimit: 0.035 };
    const onnx = await new OnnxDeconvolver(new ModelRegistry(MODELS), sessions).deconvolve(request);
    const reference = await new MatrixDeconvolver().deconvolve(request);
    let mismatchedLevels = 0;
    let worst = 0;
    for (let v = 0; v < V; v++) {
      if (onnx.levels[v] !== reference.levels[v]) {
        mismatchedLevels++;
        continue; // an oscillation index within float rounding of the limit
      }
      let scale = 1e-9;
      for (let j = 0; j < L; j++) scale = Math.max(scale, Math.abs(reference.residues[v * L + j]));
      for (let j = 0; j < L; j++) worst = Math.max(worst, Math.abs(onnx.residues[v * L + j] - reference.residues[v * L + j]) / scale);
    }
    expect(mismatchedLevels).toBeLessThan(V * 0.002);
    expect(worst).toBeLessThan(1e-3);
    expect(new Set(onnx.levels).size).toBeGreaterThan(3);
  });

  it('reports a model that onnxruntime cannot load as InferenceRunError', async () => {
    await expect(sessions.run('broken', new Uint8Array([1, 2, 3, 4]), {})).rejects.toThrow(InferenceRunError);
  });
});
