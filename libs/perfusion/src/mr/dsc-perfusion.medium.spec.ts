import { join, resolve } from 'node:path';
import { ModelRegistry, OnnxDeconvolver, OnnxSessionRepository } from '@nidus/inference';
import { generateMrStrokePhantom } from '@nidus/testing';
import { analyzePerfusion } from '../analyze-perfusion';
import { dscSignalModel } from './dsc-signal-model';

const ROOT = resolve(__dirname, '../../../..');
// each case generates and analyses a DSC series: minutes on a busy 2-core machine
jest.setTimeout(300_000);

// MR DSC through the CT engine (same stages, same ONNX deconvolution graph) on phantoms whose seeds were not
// looked at while writing the DSC signal model (that was done on seeds 41-45).
describe('DSC perfusion through analyzePerfusion', () => {
  const sessions = new OnnxSessionRepository();
  const deconvolver = new OnnxDeconvolver(new ModelRegistry(join(ROOT, 'models')), sessions);
  afterAll(() => sessions.release());

  it.each([
    [501, 'left', 50, 1.5],
    [502, 'right', 45, 1.6],
    [503, 'left', 60, 1.2],
  ] as const)('phantom %i (%s lesion, %i time points, TR %f s): Tmax > 6 s within 15 %%, the side right', async (seed, side, timePoints, tr) => {
    const p = generateMrStrokePhantom({ seed, lesion: { side }, slices: 6, dwi: null, dsc: { columns: 96, timePoints, repetitionSeconds: tr } });
    const result = await analyzePerfusion(p.dsc!, deconvolver, { signalModel: dscSignalModel(p.dsc!.EchoTime) });
    const truth = p.truth;
    const s = result.summary;
    expect(Math.abs(s.hypoperfusionVolumeMl - truth.hypoperfusionVolumeMl!)).toBeLessThanOrEqual(0.15 * truth.hypoperfusionVolumeMl!);
    expect(Math.abs(s.tmax10VolumeMl - truth.tmax10VolumeMl!)).toBeLessThanOrEqual(Math.max(6, 0.4 * truth.tmax10VolumeMl!));
    expect(s.affectedHemisphere).toBe(side);
    // the hypoperfused voxels are where the truth has them
    let overlap = 0;
    result.maps.hypoperfusionMask.forEach((m, i) => m && truth.perfusion!.hypoperfusionMask[i] && overlap++);
    expect(overlap / result.maps.hypoperfusionMask.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.8);
    // CBF, CBV and MTT of normal grey and white matter in the phantom's range (mL/100 g/min, mL/100 g, s)
    const normal = [...truth.perfusion!.brainMask.keys()].filter(
      (i) => truth.perfusion!.brainMask[i] && truth.perfusion!.tmax[i] < 2 && result.maps.brainMask[i],
    );
    const mean = (map: Float32Array) => normal.reduce((a, i) => a + map[i], 0) / normal.length;
    const truthMean = (map: Float32Array) => normal.reduce((a, i) => a + map[i], 0) / normal.length;
    expect(mean(result.maps.cbf) / truthMean(truth.perfusion!.cbf)).toBeGreaterThan(0.6);
    expect(mean(result.maps.cbf) / truthMean(truth.perfusion!.cbf)).toBeLessThan(1.4);
    expect(mean(result.maps.cbv) / truthMean(truth.perfusion!.cbv)).toBeGreaterThan(0.6);
    expect(mean(result.maps.cbv) / truthMean(truth.perfusion!.cbv)).toBeLessThan(1.4);
    expect(mean(result.maps.mtt)).toBeGreaterThan(2);
    expect(mean(result.maps.mtt)).toBeLessThan(8);
    expect(result.arterialInputFunction.voxelCount).toBeGreaterThan(0);
  });

  it('finds under 5 mL of Tmax > 6 s in a healthy brain', async () => {
    const p = generateMrStrokePhantom({ seed: 504, lesion: null, slices: 6, dwi: null, dsc: { columns: 96, timePoints: 50 } });
    const result = await analyzePerfusion(p.dsc!, deconvolver, { signalModel: dscSignalModel(p.dsc!.EchoTime) });
    expect(result.summary.hypoperfusionVolumeMl).toBeLessThan(5);
    expect(result.summary.affectedHemisphere).toBeNull();
  });
});
