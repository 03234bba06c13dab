/**
 * A small seedable generator (mulberry32) so that every phantom is reproducible from its seed.
 * Not for cryptography.
 */
// Math's functions held locally: global lookups are slow inside jest's vm sandbox
const { imul, sqrt, log, sin, cos, floor, PI } = Math;

export class SeededRandom {
  private state: number;
  private spareGaussian: number | null = null;

  constructor(seed: number) {
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** standard normal, Box-Muller with the spare value kept */
  gaussian(): number {
    if (this.spareGaussian !== null) {
      const value = this.spareGaussian;
      this.spareGaussian = null;
      return value;
    }
    let u = 0;
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    const radius = sqrt(-2 * log(u));
    this.spareGaussian = radius * sin(2 * PI * v);
    return radius * cos(2 * PI * v);
  }

  pick<T>(values: readonly T[]): T {
    return values[floor(this.next() * values.length) % values.length];
  }
}
