import { SeededRandom } from './seeded-random';

/** Acquisition times in seconds from the first image. */
export function uniformSamplingTimes(count: number, intervalSeconds: number): number[] {
  return Array.from({ length: count }, (_, i) => i * intervalSeconds);
}

/**
 * A non-uniform protocol as scanners run them: sparse baseline (2 s), dense first pass (1 s),
 * sparse wash-out (3 s), with a little clock jitter when a random source is given.
 */
export function nonUniformSamplingTimes(count: number, random?: SeededRandom): number[] {
  const times: number[] = [0];
  const baseline = Math.min(4, Math.max(2, Math.round(count * 0.12)));
  const dense = Math.round(count * 0.6);
  let t = 0;
  for (let i = 1; i < count; i++) {
    const interval = i < baseline ? 2 : i < dense ? 1 : 3;
    t += interval + (random ? random.uniform(-0.08, 0.08) : 0);
    times.push(Math.round(t * 1000) / 1000);
  }
  return times;
}
