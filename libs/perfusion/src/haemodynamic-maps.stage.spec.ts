import { biasTables } from './bias-tables.stage';
import { haemodynamicMaps, type HaemodynamicInputs } from './haemodynamic-maps.stage';
import { resolvePerfusionOptions } from './perfusion-options';
import { readResidues } from './residue-readout.stage';
import { syntheticTissue, type SyntheticVoxel } from '@nidus/testing';

// 4 x 4 pixels: grey matter, white matter and two hypoperfused tissues in 2 x 2 blocks, and one voxel
// of a vessel's blood volume; noise-free curves over 60 s
const kinds: SyntheticVoxel[] = [
  { cbf: 60, mtt: 4, delay: 0.6 },
  { cbf: 22, mtt: 5.5, delay: 1.5 },
  { cbf: 30, mtt: 7, delay: 7 },
  { cbf: 15, mtt: 9, delay: 11 },
];
const kindOf = (k: number) => 2 * (Math.floor(k / 4) >> 1) + ((k % 4) >> 1);
const VESSEL = 5;
const voxels = Array.from({ length: 16 }, (_, k) => (k === VESSEL ? { cbf: 200, mtt: 6, delay: 0.5 } : kinds[kindOf(k)]));

async function inputsOf(correct: boolean): Promise<HaemodynamicInputs> {
  const tissue = await syntheticTissue(voxels, 4, { count: 60 });
  const bias = correct ? biasTables(tissue.deconvolution, { correctTruncation: true, residueModels: false }) : null;
  return {
    geometry: tissue.geometry,
    brainMask: tissue.mask,
    timesSeconds: tissue.times,
    baselineFrames: tissue.baselineFrames,
    denoised: { curves: tissue.curves, noiseHu: 0.5 },
    deconvolution: tissue.deconvolution,
    bias,
  };
}

describe(haemodynamicMaps.name, () => {
  it('reads CBF, CBV within 10 %, Tmax within 0.5 s of the truth, and MTT = CBV / CBF within 15 % (both errors)', async () => {
    const maps = haemodynamicMaps(await inputsOf(true), resolvePerfusionOptions({ tmaxMedianMm: 0 }).maps);
    voxels.forEach((v, k) => {
      expect(maps.mtt[k]).toBeCloseTo((60 * maps.cbv[k]) / maps.cbf[k], 3);
      if (k === VESSEL) return;
      expect(Math.abs(maps.cbf[k] / v.cbf - 1)).toBeLessThan(0.1);
      expect(Math.abs(maps.tmax[k] - v.delay)).toBeLessThan(0.5);
      expect(Math.abs(maps.cbv[k] / ((v.cbf * v.mtt) / 60) - 1)).toBeLessThan(0.1);
      expect(Math.abs(maps.mtt[k] / v.mtt - 1)).toBeLessThan(0.15);
    });
  });

  it('leaves a voxel with the blood volume of a vessel out of the tissue', async () => {
    const maps = haemodynamicMaps(await inputsOf(true), resolvePerfusionOptions({}).maps);
    expect(maps.cbv[VESSEL]).toBeGreaterThan(10);
    expect(Array.from(maps.tissue).map((t, k) => (t ? -1 : k))).toEqual(voxels.map((_, k) => (k === VESSEL ? k : -1)));
  });

  it("plain oSVD ('naive') is the residue readout itself: no template matching, no median", async () => {
    const inputs = await inputsOf(false);
    const options = resolvePerfusionOptions({ estimator: 'naive' }).maps;
    const maps = haemodynamicMaps(inputs, options);
    const readout = readResidues(inputs.deconvolution, inputs.brainMask, null, options);
    expect(maps.cbf).toEqual(readout.cbf);
    expect(maps.tmax).toEqual(readout.tmax);
    expect(maps.cbv).toEqual(readout.cbv);
    // and it reads grey matter's flow low, as truncated SVD does
    expect(maps.cbf[0] / kinds[0].cbf).toBeLessThan(0.9);
  });

  it('without matched amplitudes keeps the corrected residue readout', async () => {
    const inputs = await inputsOf(true);
    const options = resolvePerfusionOptions({ matchedAmplitude: false, tmaxMedianMm: 0 }).maps;
    const readout = readResidues(inputs.deconvolution, inputs.brainMask, inputs.bias, options);
    const maps = haemodynamicMaps(inputs, options);
    expect(maps.cbf).toEqual(readout.cbf);
    expect(maps.tmax).toEqual(readout.tmax);
  });
});
