import { biasTables } from './bias-tables.stage';
import type { TissueDeconvolution } from './deconvolution.stage';
import { CBF_SCALE, CBV_SCALE } from './residue-maps';
import { arterialArea, MAX_TISSUE_CBV, readResidues } from './residue-readout.stage';
import { syntheticTissue, type SyntheticVoxel } from '@nidus/testing';

describe(arterialArea.name, () => {
  // unit AIF of 4 samples, 1 s apart
  const area = arterialArea(Float64Array.from([1, 1, 1, 1]), 1);

  it('is the sum of the samples for tissue without delay, or leading the AIF', () => {
    expect(area.total).toBe(4);
    expect(area.forDelay(0)).toBe(4);
    expect(area.forDelay(-2)).toBe(4);
  });

  it('stops at (end - delay), linear between samples, and keeps at least the first sample', () => {
    expect(area.forDelay(1)).toBe(3);
    expect(area.forDelay(1.5)).toBe(2.5);
    expect(area.forDelay(10)).toBe(1);
  });

  it('scales the delay by the interval', () => {
    expect(arterialArea(Float64Array.from([2, 2, 2, 2]), 0.5).forDelay(1)).toBe(4);
  });
});

describe(readResidues.name, () => {
  it('reads a hand-built residue as plain oSVD does: CBF from the peak height, Tmax at its arg max, CBV from the areas', () => {
    // N = 4 samples, L = 8; AIF area 4; tissue areas 0.2 and 0.8
    const residues = new Float32Array(16);
    residues.set([0, 0.002, 0.01, 0.002, 0, 0, 0, 0], 0);
    residues.set([0, 0, 0, 0, 0, 0, 0.001, 0.004], 8); // peak one sample before the AIF
    const curves = new Float32Array(16);
    curves.set([0.05, 0.05, 0.05, 0.05], 0);
    curves.set([0.2, 0.2, 0.2, 0.2], 8);
    const d = {
      grid: { startSeconds: 0, intervalSeconds: 1, count: 4 },
      length: 8,
      arterial: Float64Array.from([1, 1, 1, 1]),
      voxels: Int32Array.from([1, 3]),
      curves,
      residues,
      levels: new Uint8Array(2),
    } as unknown as TissueDeconvolution;
    const r = readResidues(d, Uint8Array.from([0, 1, 0, 1]), null, { estimator: 'naive' });
    expect(r.cbf[1]).toBeCloseTo(0.01 * CBF_SCALE, 4);
    expect(r.tmax[1]).toBeCloseTo(2, 6); // symmetric neighbours: no parabolic shift
    expect(r.cbv[1]).toBeCloseTo((0.2 / 4) * CBV_SCALE, 5);
    expect(r.tmax[3]).toBeLessThan(0);
    expect(r.cbv[3]).toBeCloseTo((0.8 / 4) * CBV_SCALE, 4);
    // CBV 14 mL/100 g is a vessel's: out of the tissue
    expect(r.cbv[3]).toBeGreaterThan(MAX_TISSUE_CBV);
    expect(Array.from(r.tissue)).toEqual([0, 1, 0, 0]);
    expect(r.cbf[0]).toBe(0);
    expect(r.tissueAreas[0]).toBeCloseTo(0.2, 6);
    expect(r.tissueAreas[1]).toBeCloseTo(0.8, 6);
  });

  const voxels: SyntheticVoxel[] = [
    { cbf: 60, mtt: 4, delay: 0.6 },
    { cbf: 22, mtt: 5.5, delay: 4.5 },
    { cbf: 18, mtt: 8, delay: 9.5 },
    { cbf: 40, mtt: 5, delay: 2 },
  ];

  it('corrects the truncation bias with the tables: CBF within 10 %, Tmax within 0.5 s, CBV within 10 % (noise-free curves)', async () => {
    // 60 s of images, so that the slowest tissue's curve has passed before the end
    const { deconvolution, mask } = await syntheticTissue(voxels, 2, { count: 60 });
    const bias = biasTables(deconvolution, { correctTruncation: true, residueModels: false });
    const r = readResidues(deconvolution, mask, bias, { estimator: 'corrected' });
    voxels.forEach((v, k) => {
      expect(Math.abs(r.cbf[k] / v.cbf - 1)).toBeLessThan(0.1);
      expect(Math.abs(r.tmax[k] - v.delay)).toBeLessThan(0.5);
      expect(Math.abs(r.cbv[k] / ((v.cbf * v.mtt) / 60) - 1)).toBeLessThan(0.1);
      expect(Math.abs(r.mtts[k] / v.mtt - 1)).toBeLessThan(0.15);
    });
  });

  it('without correction reads grey matter low and Tmax late, as plain oSVD is known to', async () => {
    const { deconvolution, mask } = await syntheticTissue(voxels, 2);
    const r = readResidues(deconvolution, mask, null, { estimator: 'naive' });
    expect(r.cbf[0] / voxels[0].cbf).toBeLessThan(0.9);
    expect(r.tmax[0] - voxels[0].delay).toBeGreaterThan(0.5);
    expect(Array.from(r.mtts)).toEqual([0, 0, 0, 0]);
  });
});
