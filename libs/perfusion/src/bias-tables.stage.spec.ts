import { biasTables } from './bias-tables.stage';
import { syntheticTissue } from '@nidus/testing';

describe(biasTables.name, () => {
  it('is null when the truncation correction is off (plain oSVD)', async () => {
    const { deconvolution } = await syntheticTissue([{ cbf: 60, mtt: 4, delay: 1 }], 1);
    expect(biasTables(deconvolution, { correctTruncation: false, residueModels: false })).toBeNull();
  });

  it("tabulates, from the study's AIF, the levels the voxels use and those only: truncation lowers a short MTT's peak most", async () => {
    const { deconvolution } = await syntheticTissue(
      [
        { cbf: 60, mtt: 4, delay: 1 },
        { cbf: 20, mtt: 6, delay: 5 },
      ],
      2,
    );
    const bias = biasTables(deconvolution, { correctTruncation: true, residueModels: false })!;
    const used = new Set(deconvolution.levels);
    const M = bias.mtts.length;
    expect(bias.levels).toBe(deconvolution.thresholds.length);
    expect(bias.models).toBe(1);
    for (let k = 0; k < bias.levels; k++) {
      const gains = Array.from(bias.gain.subarray(k * M, (k + 1) * M));
      if (!used.has(k)) expect(gains.every((g) => g === 0)).toBe(true);
      else {
        // gain: measured peak over the true one; below 1, and nearer 1 for long MTTs
        expect(Math.max(...gains)).toBeLessThanOrEqual(1.05);
        expect(gains[0]).toBeLessThan(gains[M - 1]);
      }
    }
  });

  it('tabulates the linear and box residues too when asked', async () => {
    const { deconvolution } = await syntheticTissue([{ cbf: 60, mtt: 4, delay: 1 }], 1);
    expect(biasTables(deconvolution, { correctTruncation: true, residueModels: true })!.models).toBe(3);
  });
});
