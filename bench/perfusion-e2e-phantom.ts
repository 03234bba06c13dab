// The clinical-size series of the perfusion end-to-end benches: a 512 x 512 head, 16 slices of 5 mm,
// 40 time points on a non-uniform protocol, 10 HU noise, a right lesion; always the same seed.
import { generateHeadPhantom, nonUniformSamplingTimes, SeededRandom, type HeadPhantom } from '@nidus/testing';

export const E2E_PHANTOM_SEED = 512016;

export function e2ePhantom(): HeadPhantom {
  return generateHeadPhantom({
    seed: E2E_PHANTOM_SEED,
    columns: 512,
    slices: 16,
    fieldOfViewMm: 230,
    sliceThicknessMm: 5,
    timesSeconds: nonUniformSamplingTimes(40, new SeededRandom(E2E_PHANTOM_SEED)),
    noiseHu: 10,
    lesion: { side: 'right' },
  });
}
