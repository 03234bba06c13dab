/**
 * Contrast curves of the digital phantom, in the manner of Kudo et al., Radiology 2013:
 * a gamma-variate arterial input with recirculation, and tissue curves C(t) = (rho / kH) CBF (Ca * R)(t - delay)
 * for exponential, box and linear residue functions, integrated on a fine grid (not the analysis's own
 * discrete model, to avoid the "inverse crime").
 */
export const PHANTOM_HEMATOCRIT_CONSTANT = 0.73;
export const PHANTOM_TISSUE_DENSITY = 1.04;

export type ResidueShape = 'exponential' | 'box' | 'linear';

export interface ArterialInputParameters {
  /** bolus arrival in the feeding artery, s from the first image */
  arrivalSeconds: number;
  /** first-pass peak enhancement in a pure arterial voxel, HU */
  peakHu: number;
  /** gamma-variate shape and scale (peak at arrival + alpha * beta) */
  alpha: number;
  betaSeconds: number;
  /** recirculation: a later, wider gamma variate, as a fraction of the first peak */
  recirculationFraction: number;
  recirculationDelaySeconds: number;
}

export const DEFAULT_ARTERIAL_INPUT: ArterialInputParameters = {
  arrivalSeconds: 7,
  peakHu: 350,
  alpha: 3,
  betaSeconds: 1.5,
  recirculationFraction: 0.18,
  recirculationDelaySeconds: 13,
};

function gammaVariate(t: number, alpha: number, beta: number): number {
  if (t <= 0) return 0;
  const x = t / (alpha * beta);
  // normalised to a peak of 1 at t = alpha * beta
  return Math.pow(x, alpha) * Math.exp(alpha * (1 - x));
}

/** The true arterial concentration (HU above baseline) at time t. */
export function arterialConcentration(p: ArterialInputParameters, t: number): number {
  const s = t - p.arrivalSeconds;
  return (
    p.peakHu * gammaVariate(s, p.alpha, p.betaSeconds) +
    p.peakHu * p.recirculationFraction * gammaVariate(s - p.recirculationDelaySeconds, p.alpha, 2 * p.betaSeconds)
  );
}

/**
 * Tabulated integrals of the arterial curve on a fine grid, so that any tissue curve is a few look-ups:
 * F(s) = int_0^s Ca, G(s) = int_0^s tau Ca(tau) dtau, and E_m(s) = int_0^s Ca(tau) exp(-(s - tau) / m) dtau.
 */
export class TracerKinetics {
  readonly step = 0.01;
  private readonly ca: Float64Array;
  private readonly f: Float64Array;
  private readonly g: Float64Array;
  private readonly exponentials = new Map<number, Float64Array>();
  private readonly unitCurves = new Map<string, Float64Array>();

  constructor(
    readonly arterial: ArterialInputParameters,
    readonly timesSeconds: readonly number[],
  ) {
    const end = timesSeconds[timesSeconds.length - 1] + 1;
    const n = Math.ceil(end / this.step) + 2;
    this.ca = new Float64Array(n);
    this.f = new Float64Array(n);
    this.g = new Float64Array(n);
    for (let i = 0; i < n; i++) this.ca[i] = arterialConcentration(arterial, i * this.step);
    for (let i = 1; i < n; i++) {
      const a = this.ca[i - 1];
      const b = this.ca[i];
      this.f[i] = this.f[i - 1] + 0.5 * this.step * (a + b);
      this.g[i] = this.g[i - 1] + 0.5 * this.step * (a * (i - 1) * this.step + b * i * this.step);
    }
  }

  private sample(table: Float64Array, s: number): number {
    if (s <= 0) return 0;
    const x = s / this.step;
    const i = Math.floor(x);
    if (i >= table.length - 1) return table[table.length - 1];
    const w = x - i;
    return table[i] * (1 - w) + table[i + 1] * w;
  }

  private exponentialTable(mtt: number): Float64Array {
    let table = this.exponentials.get(mtt);
    if (table) return table;
    table = new Float64Array(this.ca.length);
    const decay = Math.exp(-this.step / mtt);
    for (let i = 1; i < table.length; i++) {
      // trapezoid rule over one fine step
      table[i] = table[i - 1] * decay + 0.5 * this.step * (this.ca[i - 1] * decay + this.ca[i]);
    }
    this.exponentials.set(mtt, table);
    return table;
  }

  /** int_0^s Ca(tau) R(s - tau) dtau for a residue R with R(0) = 1 and area mtt */
  convolvedResidue(shape: ResidueShape, mtt: number, s: number): number {
    if (s <= 0) return 0;
    switch (shape) {
      case 'box':
        return this.sample(this.f, s) - this.sample(this.f, s - mtt);
      case 'linear': {
        // R(u) = 1 - u / (2 mtt) on [0, 2 mtt]
        const width = 2 * mtt;
        const lo = s - width;
        const area = this.sample(this.f, s) - this.sample(this.f, lo);
        const moment = this.sample(this.g, s) - this.sample(this.g, lo);
        return area - (s * area - moment) / width;
      }
      case 'exponential':
        return this.sample(this.exponentialTable(mtt), s);
    }
  }

  /**
   * Tissue enhancement (HU) at the phantom's time points per unit of (rho / kH) CBF [1/s]:
   * multiply by (rho / kH) * CBF / 6000 (CBF in mL/100 g/min) to get HU. Cached by its parameters.
   */
  unitTissueCurve(shape: ResidueShape, mtt: number, delay: number): Float64Array {
    const key = `${shape}:${mtt}:${delay}`;
    let curve = this.unitCurves.get(key);
    if (curve) return curve;
    curve = new Float64Array(this.timesSeconds.length);
    for (let i = 0; i < curve.length; i++) curve[i] = this.convolvedResidue(shape, mtt, this.timesSeconds[i] - delay);
    this.unitCurves.set(key, curve);
    return curve;
  }

  /** Whole-blood concentration downstream of a transit: Ca delayed and dispersed by a unit-area exponential. */
  dispersedArterial(delay: number, dispersionSeconds: number): Float64Array {
    const unit = this.unitTissueCurve('exponential', dispersionSeconds, delay);
    return unit.map((v) => v / dispersionSeconds);
  }

  arterialAtTimes(): Float64Array {
    return Float64Array.from(this.timesSeconds, (t) => arterialConcentration(this.arterial, t));
  }

  /** int_0^infinity of the true arterial curve (HU s), to the end of the fine grid */
  arterialArea(): number {
    return this.f[this.f.length - 1];
  }
}

/** HU per unit of tissue curve for a CBF in mL/100 g/min: (rho / kH) CBF / 6000. */
export function tissueScale(cbf: number): number {
  return ((PHANTOM_TISSUE_DENSITY / PHANTOM_HEMATOCRIT_CONSTANT) * cbf) / 6000;
}
