import { generateMrStrokePhantom } from '@nidus/testing';
import { computeAdc } from './adc-map';
import { analyzeDiffusionCore, CORE_ADC } from './diffusion-core';
import { NoBrainError, NotDiffusionSeriesError } from './diffusion.errors';

// Bounds of the issue: core within 30 % or 6 mL; side right; a healthy brain under 5 mL.
const withinBounds = (got: number, truth: number) => Math.abs(got - truth) <= Math.max(6, 0.3 * truth);

function inputOf(seed: number, side: 'left' | 'right' | null, snr: number, columns = 96) {
  const p = generateMrStrokePhantom({ seed, lesion: side ? { side } : null, slices: 8, dsc: null, dwi: { columns, snr } });
  const d = p.dwi!;
  return { p, input: { ...d, b0: d.b0, weighted: { bValue: d.bValue, data: d.b1000 }, adc: null } };
}

describe(computeAdc.name, () => {
  it('inverts S(b) = S0 exp(-b ADC), with background at 0', () => {
    const adc = [0.5e-3, 0.8e-3, 3e-3];
    const b0 = Float32Array.from([800, 700, 1400, 0]);
    const weighted = Float32Array.from([...adc.map((d, i) => b0[i] * Math.exp(-1000 * d)), 0]);
    const got = computeAdc(b0, weighted, 1000);
    adc.forEach((d, i) => expect(got[i]).toBeCloseTo(d, 7));
    expect(got[3]).toBe(0);
    expect(() => computeAdc(b0, weighted.subarray(1), 1000)).toThrow(RangeError);
  });
});

describe(analyzeDiffusionCore.name, () => {
  it.each([
    [31, 'left', 40],
    [32, 'right', 30],
    [33, 'left', 25],
  ] as const)('measures the core of phantom %i (%s lesion, SNR %i) within 30 %% or 6 mL, on its side', (seed, side, snr) => {
    const { p, input } = inputOf(seed, side, snr);
    const core = analyzeDiffusionCore(input);
    expect(core.adcSource).toBe('computed');
    expect(withinBounds(core.coreVolumeMl, p.truth.coreVolumeMl)).toBe(true);
    expect(core.coreSide).toBe(side);
    // the core lies where the truth has it: most of the measured voxels are true core
    let overlap = 0;
    core.coreMask.forEach((m, i) => m && p.truth.coreMask![i] && overlap++);
    expect(overlap / core.coreMask.reduce((s, v) => s + v, 0)).toBeGreaterThan(0.8);
  });

  it('finds under 5 mL of core in a healthy brain, CSF (high ADC) never in it', () => {
    const { input } = inputOf(34, null, 25);
    const core = analyzeDiffusionCore(input);
    expect(core.coreVolumeMl).toBeLessThan(5);
    expect(core.coreSide).toBeNull();
    core.tissue.forEach((m, i) => m && expect(core.adc[i]).toBeLessThan(1.5e-3));
  });

  it('uses the scanner ADC map when no b = 0 / weighted pair came', () => {
    const { p, input } = inputOf(35, 'right', 40);
    // the scanner's map in 10^-6 mm^2/s, 0 outside the head, as an ADC series holds it
    const adc = computeAdc(input.b0, input.weighted.data, 1000).map((v) => Math.round(v * 1e6) / 1e6);
    const core = analyzeDiffusionCore({ ...input, b0: null, weighted: null, adc });
    expect(core.adcSource).toBe('scanner');
    expect(withinBounds(core.coreVolumeMl, p.truth.coreVolumeMl)).toBe(true);
    expect(core.coreSide).toBe('right');
  });

  it('takes its threshold and cluster size from the options', () => {
    const { input } = inputOf(36, 'left', 40);
    const base = analyzeDiffusionCore(input);
    expect(analyzeDiffusionCore(input, { coreAdc: CORE_ADC - 100e-6 }).coreVolumeMl).toBeLessThan(base.coreVolumeMl);
    expect(analyzeDiffusionCore(input, { minClusterMl: 1000 }).coreVolumeMl).toBe(0);
  });

  it('refuses input that holds no core to measure, with the reason', () => {
    const { input } = inputOf(37, null, 40, 48);
    expect(() => analyzeDiffusionCore({ ...input, b0: null, weighted: null, adc: null })).toThrow(NotDiffusionSeriesError);
    const blank = new Float32Array(input.b0.length);
    expect(() => analyzeDiffusionCore({ ...input, b0: blank, weighted: { bValue: 1000, data: blank } })).toThrow(NoBrainError);
  });
});
