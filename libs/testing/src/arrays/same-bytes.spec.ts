import { sameBytes } from './same-bytes';

describe(sameBytes.name, () => {
  it('is true for equal values of one type, false for a changed element, another type or length', () => {
    const a = Float32Array.from([1, 2.5, -3]);
    expect(sameBytes(a, Float32Array.from([1, 2.5, -3]))).toBe(true);
    expect(sameBytes(a, Float32Array.from([1, 2.5, -3.0001]))).toBe(false);
    expect(sameBytes(a, Float64Array.from([1, 2.5, -3]))).toBe(false);
    expect(sameBytes(a, a.subarray(0, 2))).toBe(false);
  });

  it('compares views by their own bytes, not their whole buffers', () => {
    const whole = Int16Array.from([9, 1, 2, 3, 9]);
    expect(sameBytes(whole.subarray(1, 4), Int16Array.from([1, 2, 3]))).toBe(true);
  });
});
