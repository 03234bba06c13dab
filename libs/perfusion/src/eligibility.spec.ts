import { eligibility, mismatchFigures } from './eligibility';

describe(eligibility.name, () => {
  it.each([
    // core, hypo, tmax10 -> defuse3, extend
    [10, 50, 20, true, true],
    [69.9, 130, 60, true, true],
    [70, 200, 80, false, false], // core not < 70
    [10, 24.9, 5, false, true], // mismatch 14.9 < 15, > 10
    [10, 25, 5, true, true], // mismatch 15 exactly, ratio 2.5
    [10, 18, 5, false, false], // ratio 1.8, mismatch 8 (neither)
    [30, 54, 20, true, true], // ratio 1.8 exactly meets DEFUSE 3
    [30, 45, 20, false, true], // ratio 1.5
    [30, 36, 20, false, false], // ratio 1.2 is not > 1.2
    [0, 20, 5, true, true], // no core: ratio unbounded
    [0, 0, 0, false, false],
  ])('core %d mL, Tmax>6 %d mL -> DEFUSE 3 %s, EXTEND %s', (core, hypo, t10, defuse3, extend) => {
    expect(eligibility({ coreVolumeMl: core, hypoperfusionVolumeMl: hypo, tmax10VolumeMl: t10 })).toEqual({ defuse3, extend });
  });

  it('reports mismatch, ratio and hypoperfusion intensity ratio', () => {
    expect(mismatchFigures({ coreVolumeMl: 10, hypoperfusionVolumeMl: 40, tmax10VolumeMl: 16 })).toEqual({
      mismatchVolumeMl: 30,
      mismatchRatio: 4,
      hypoperfusionIntensityRatio: 0.4,
    });
    expect(mismatchFigures({ coreVolumeMl: 0, hypoperfusionVolumeMl: 0, tmax10VolumeMl: 0 })).toEqual({
      mismatchVolumeMl: 0,
      mismatchRatio: null,
      hypoperfusionIntensityRatio: null,
    });
  });
});
