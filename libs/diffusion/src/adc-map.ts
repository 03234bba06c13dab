/** Signal on the b = 0 image below which a voxel is background: its ADC is not defined (set to 0). */
export const MIN_B0_SIGNAL_FRACTION = 0.05;

/**
 * ADC (mm^2/s) from a b = 0 image and a diffusion-weighted trace image of the same voxels, by the mono-exponential
 * model S(b) = S0 exp(-b ADC): ADC = ln(S0 / Sb) / b (Stejskal-Tanner). Background voxels (S0 under a twentieth of
 * the image's 99th percentile) get 0; a weighted signal at or under 0 is clamped to one unit (ADC stays finite).
 */
export function computeAdc(b0: Float32Array, weighted: Float32Array, bValue: number): Float32Array {
  if (b0.length !== weighted.length) throw new RangeError(`b = 0 image has ${b0.length} voxels, the weighted image ${weighted.length}`);
  if (!(bValue > 0)) throw new RangeError(`b-value ${bValue}: must be positive`);
  const floor = MIN_B0_SIGNAL_FRACTION * percentile(b0, 0.99);
  const adc = new Float32Array(b0.length);
  for (let i = 0; i < b0.length; i++) {
    const s0 = b0[i];
    if (!(s0 > floor)) continue;
    adc[i] = Math.max(0, Math.log(s0 / Math.max(1, weighted[i])) / bValue);
  }
  return adc;
}

/** The q-quantile of the values above zero (0 when none), from a sample of at most 20 000 values. */
export function percentile(values: Float32Array, q: number): number {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) if (values[i] > 0) sample.push(values[i]);
  if (sample.length === 0) return 0;
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
}
