import { MatrixDeconvolver } from './circulant-deconvolution';
import { deconvolutionGrid, deconvolveTissue } from './deconvolution.stage';
import type { DeconvolutionRequest, Deconvolver } from './deconvolver';
import { DEFAULT_PERFUSION_OPTIONS } from './perfusion-options';
import { DeconvolutionError } from './perfusion.errors';
import { residuePeak } from './residue-maps';
import { syntheticTissue } from '@nidus/testing';

describe(deconvolutionGrid.name, () => {
  const every = (count: number, step: number) => Float64Array.from({ length: count }, (_, i) => i * step);

  it.each<[string, Float64Array, number, number | null, { startSeconds: number; intervalSeconds: number; count: number }]>([
    // start 4 s before the first image with contrast; interval the shortest sampling interval within 0.5-1 s
    ['2 s sampling: interval capped at 1 s', every(30, 2), 5, null, { startSeconds: 6, intervalSeconds: 1, count: 53 }],
    ['0.25 s sampling: interval raised to 0.5 s', every(80, 0.25), 40, null, { startSeconds: 6, intervalSeconds: 0.5, count: 28 }],
    ['0.8 s sampling: that interval', every(40, 0.8), 10, null, { startSeconds: 4, intervalSeconds: 0.8, count: 35 }],
    ['an interval given', every(30, 2), 5, 0.75, { startSeconds: 6, intervalSeconds: 0.75, count: 70 }],
    ['arrival within 4 s of the first image: from the first image', every(30, 2), 1, null, { startSeconds: 0, intervalSeconds: 1, count: 59 }],
  ])('%s', (_, times, arrival, interval, expected) => {
    const grid = deconvolutionGrid(times, arrival, interval);
    expect(grid.startSeconds).toBeCloseTo(expected.startSeconds, 12);
    expect(grid.intervalSeconds).toBeCloseTo(expected.intervalSeconds, 12);
    expect(grid.count).toBe(expected.count);
  });

  it('takes the shortest interval of a non-uniform protocol (2 s baseline, 1.3 s first pass, 3 s wash-out)', () => {
    const times = Float64Array.from([0, 2, 4, 5.3, 6.6, 7.9, 9.2, 10.5, 13.5, 16.5, 19.5, 22.5, 25.5]);
    expect(deconvolutionGrid(times, 2, null)).toEqual({ startSeconds: 0, intervalSeconds: 1, count: 26 });
  });
});

describe(deconvolveTissue.name, () => {
  it('deconvolves the brain voxels in order, on curves resampled and zero-padded to twice the grid', async () => {
    const tissue = await syntheticTissue(
      [
        { cbf: 60, mtt: 4, delay: 1 },
        { cbf: 20, mtt: 6, delay: 5 },
      ],
      2,
    );
    const d = tissue.deconvolution;
    // 1 s images from 0 to 49 s, arrival at 7 s: grid from 3 s, 47 samples, padded to 94
    expect(d.grid).toEqual({ startSeconds: 3, intervalSeconds: 1, count: 47 });
    expect(d.length).toBe(94);
    expect(Array.from(d.voxels)).toEqual([0, 1]);
    expect(d.arterial[0]).toBeCloseTo(tissue.arterial[3], 9);
    const T = tissue.times.length;
    for (let k = 0; k < 2; k++) {
      for (let j = 0; j < 47; j++) expect(d.curves[k * 94 + j]).toBeCloseTo(tissue.curves[k * T + 3 + j], 4);
      for (let j = 47; j < 94; j++) expect(d.curves[k * 94 + j]).toBe(0);
    }
    expect(d.residues).toHaveLength(2 * 94);
    expect(d.levels).toHaveLength(2);
  });

  it('skips the voxels outside the mask', async () => {
    const tissue = await syntheticTissue([{ cbf: 60, mtt: 4, delay: 1 }], 1);
    const curves = new Float32Array(3 * tissue.times.length);
    curves.set(tissue.curves, 2 * tissue.times.length);
    const d = await deconvolveTissue(
      tissue.times,
      tissue.arrivalIndex,
      tissue.arterial,
      curves,
      Uint8Array.from([0, 0, 1]),
      new MatrixDeconvolver(),
      DEFAULT_PERFUSION_OPTIONS.deconvolution,
    );
    expect(Array.from(d.voxels)).toEqual([2]);
    expect(Array.from(d.residues)).toEqual(Array.from(tissue.deconvolution.residues));
  });

  it('finds the residue where the tissue is: its peak at the tissue delay (oSVD, Wu et al. 2003)', async () => {
    const delays = [0, 3, 8, 12];
    const { deconvolution: d } = await syntheticTissue(
      delays.map((delay) => ({ cbf: 50, mtt: 2, delay })),
      4,
    );
    delays.forEach((delay, k) => {
      const peak = residuePeak(d.residues, k * d.length, d.length, d.grid.count, 5, 1);
      // truncation smooths the residue and moves its peak late by up to half its kernel
      expect(peak.time).toBeGreaterThanOrEqual(delay - 0.5);
      expect(peak.time).toBeLessThan(delay + 2.5);
    });
  });

  it('fails with DeconvolutionError when the deconvolver answers for the wrong number of voxels', async () => {
    const tissue = await syntheticTissue([{ cbf: 60, mtt: 4, delay: 1 }], 1);
    const short: Deconvolver = {
      deconvolve: async (request: DeconvolutionRequest) => ({ residues: new Float32Array(request.length), levels: new Uint8Array(0) }),
    };
    await expect(
      deconvolveTissue(tissue.times, tissue.arrivalIndex, tissue.arterial, tissue.curves, tissue.mask, short, DEFAULT_PERFUSION_OPTIONS.deconvolution),
    ).rejects.toThrow(DeconvolutionError);
  });
});
