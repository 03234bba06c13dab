import { generateHeadPhantom, TissueLabel, uniformSamplingTimes } from '@nidus/testing';
import { measureConcentration } from './concentration.stage';
import { prepareGrid } from './grid.stage';
import { findHeadGeometry } from './head-geometry';
import { findVesselsAndBrain, vesselPeakHu } from './vessels.stage';

describe(vesselPeakHu.name, () => {
  it('is a fifth of the arterial peak, at least 50 HU', () => {
    expect(vesselPeakHu(100)).toBe(50);
    expect(vesselPeakHu(250)).toBe(50);
    expect(vesselPeakHu(400)).toBe(80);
  });
});

describe(findVesselsAndBrain.name, () => {
  it.each([
    [9301, 6],
    [9302, 10],
  ])('on phantom %d (%d HU noise): AIF and VOF from the phantom vessels, and a brain mask of tissue without them', (seed, noiseHu) => {
    const phantom = generateHeadPhantom({ seed, columns: 64, slices: 2, timesSeconds: uniformSamplingTimes(30, 2), noiseHu, lesion: null });
    const grid = prepareGrid(phantom.volume, { maxPixelMm: 2 });
    expect(grid.factor).toBe(1); // 240 mm over 64 pixels: the truth's grid
    const c = measureConcentration(grid);
    const head = findHeadGeometry(grid, c.baseline);
    const { vascular, brain } = findVesselsAndBrain(grid, head, c.baseline, c.curves);
    const { labels, brainMask: truthBrain } = phantom.truth;
    // every arterial and venous voxel chosen is touched by a phantom vessel and left out of the brain
    for (const v of [...vascular.arterialVoxels, ...vascular.venousVoxels]) {
      expect(phantom.truth.vesselCoverage[v]).toBeGreaterThan(0);
      expect(brain.mask[v]).toBe(0);
    }
    // no brain voxel outside the skull, none enhancing like a vessel (peak of the curve smoothed [1 2 1] / 4 in time)
    const T = grid.timePoints;
    const limit = vesselPeakHu(vascular.arterialShape.peak);
    let overlap = 0;
    let truthCount = 0;
    let maskCount = 0;
    for (let i = 0; i < brain.mask.length; i++) {
      if (brain.mask[i]) {
        expect(head.intracranial[i]).toBe(1);
        expect(labels[i]).not.toBe(TissueLabel.Bone);
        let peak = -Infinity;
        const at = (t: number) => c.curves[i * T + Math.min(T - 1, Math.max(0, t))];
        for (let t = 0; t < T; t++) peak = Math.max(peak, (at(t - 1) + 2 * at(t) + at(t + 1)) / 4);
        expect(peak).toBeLessThanOrEqual(limit);
        maskCount++;
        if (truthBrain[i]) overlap++;
      }
      if (truthBrain[i]) truthCount++;
    }
    // Dice against the truth's brain (tissue without CSF and vessels)
    expect((2 * overlap) / (maskCount + truthCount)).toBeGreaterThan(0.85);
  });
});
