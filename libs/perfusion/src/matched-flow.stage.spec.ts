import { biasTables } from './bias-tables.stage';
import { amplitudeNoiseHu, matchFlowAndArrival } from './matched-flow.stage';
import { DEFAULT_PERFUSION_OPTIONS } from './perfusion-options';
import { readResidues } from './residue-readout.stage';
import { syntheticTissue, type SyntheticVoxel } from '@nidus/testing';

describe(amplitudeNoiseHu.name, () => {
  // two voxels, baseline 1, -1, 1, -1 about their mean (unbiased variance 4/3), then anything
  const curves = Float32Array.from([1, -1, 1, -1, 50, 60, 5, 9, 11, 9, 11, 70, 80, 20]);
  const mask = Uint8Array.from([1, 1]);

  it('is the baseline noise of the denoised curves, widened by sqrt(native / grid interval)', () => {
    const times = Float64Array.from([0, 2, 4, 6, 8, 10, 12]);
    expect(amplitudeNoiseHu(curves, times, mask, 4, 1, 99)).toBeCloseTo(Math.sqrt(4 / 3) * Math.sqrt(2), 6);
    // the native interval is the median one; never narrowed below the measured noise
    const dense = Float64Array.from([0, 0.5, 1, 1.5, 2, 2.5, 30]);
    expect(amplitudeNoiseHu(curves, dense, mask, 4, 1, 99)).toBeCloseTo(Math.sqrt(4 / 3), 6);
  });

  it('falls back to the given noise when the baseline is too short to measure it', () => {
    expect(amplitudeNoiseHu(curves, Float64Array.from([0, 2, 4, 6, 8, 10, 12]), mask, 1, 1, 7)).toBeCloseTo(7 * Math.sqrt(2), 9);
  });
});

describe(matchFlowAndArrival.name, () => {
  // 8 x 8 pixels of 2 mm: normal tissue (CBF 50, MTT 4 s, Tmax 3 s) around a 2 x 2 block of core
  // without flow (its curves pure noise), 0.5 HU of noise on every curve (as after denoising)
  const core = (k: number) => [3, 4].includes(k % 8) && [3, 4].includes(Math.floor(k / 8));
  const voxels: SyntheticVoxel[] = Array.from({ length: 64 }, (_, k) => (core(k) ? { cbf: 0, mtt: 12, delay: 8 } : { cbf: 50, mtt: 4, delay: 3 }));
  const setUp = async () => {
    const tissue = await syntheticTissue(voxels, 8, { noiseHu: 0.5, seed: 3 });
    const bias = biasTables(tissue.deconvolution, DEFAULT_PERFUSION_OPTIONS.maps)!;
    const readout = readResidues(tissue.deconvolution, tissue.mask, bias, DEFAULT_PERFUSION_OPTIONS.maps);
    return { ...tissue, bias, readout };
  };

  it('reads the flow and arrival of tissue with signal: median CBF within 5 %, Tmax within 0.3 s in the median and on average', async () => {
    const { geometry, deconvolution, bias, readout } = await setUp();
    const maps = matchFlowAndArrival(geometry, deconvolution, bias, readout, 0.5, DEFAULT_PERFUSION_OPTIONS.maps);
    const normal = voxels.map((_, k) => k).filter((k) => !core(k));
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
    expect(Math.abs(median(normal.map((k) => maps.cbf[k])) / 50 - 1)).toBeLessThan(0.05);
    expect(Math.abs(median(normal.map((k) => maps.tmax[k])) - 3)).toBeLessThan(0.3);
    expect(normal.reduce((s, k) => s + Math.abs(maps.tmax[k] - 3), 0) / normal.length).toBeLessThan(0.3);
  });

  it('reads the core, whose own arrival is only noise, as nearly no flow (under 6 of the 50 around it)', async () => {
    const { geometry, deconvolution, bias, readout } = await setUp();
    const maps = matchFlowAndArrival(geometry, deconvolution, bias, readout, 0.5, DEFAULT_PERFUSION_OPTIONS.maps);
    voxels.forEach((_, k) => core(k) && expect(maps.cbf[k]).toBeLessThan(6));
  });

  it("gives the core at least a quantile of its reliable neighbours' Tmax when asked (here the latest within 5 mm)", async () => {
    const { geometry, deconvolution, bias, readout } = await setUp();
    const own = matchFlowAndArrival(geometry, deconvolution, bias, readout, 0.5, DEFAULT_PERFUSION_OPTIONS.maps);
    const lifted = matchFlowAndArrival(geometry, deconvolution, bias, readout, 0.5, { ...DEFAULT_PERFUSION_OPTIONS.maps, inheritTmaxQuantile: 1 });
    voxels.forEach((_, k) => {
      if (!core(k)) return expect(lifted.tmax[k]).toBe(own.tmax[k]);
      // normal tissue within 5 mm (3 pixels of 2 mm, rounded): all of it reliable
      let latest = -Infinity;
      for (let j = 0; j < 64; j++) {
        const dx = (j % 8) - (k % 8);
        const dy = Math.floor(j / 8) - Math.floor(k / 8);
        if (!core(j) && dx * dx + dy * dy <= 9) latest = Math.max(latest, own.tmax[j]);
      }
      expect(lifted.tmax[k]).toBeCloseTo(Math.max(own.tmax[k], latest), 5);
    });
  });

  it("keeps the readout's arrivals without template matching, and leaves the readout unchanged", async () => {
    const { geometry, deconvolution, bias, readout } = await setUp();
    const before = Float32Array.from(readout.tmax);
    const maps = matchFlowAndArrival(geometry, deconvolution, bias, readout, 0.5, { ...DEFAULT_PERFUSION_OPTIONS.maps, matchArrival: false });
    expect(maps.tmax).toEqual(readout.tmax);
    expect(maps.cbv).toEqual(readout.cbv);
    expect(readout.tmax).toEqual(before);
  });
});
