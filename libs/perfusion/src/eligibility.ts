import { DEFUSE3, EXTEND } from './perfusion-constants';
import type { PerfusionEligibility } from './perfusion-result';

export interface LesionVolumes {
  coreVolumeMl: number;
  hypoperfusionVolumeMl: number;
  tmax10VolumeMl: number;
}

export interface MismatchFigures {
  mismatchVolumeMl: number;
  /** hypoperfusion / core; null when the core is zero */
  mismatchRatio: number | null;
  /** Tmax > 10 s over Tmax > 6 s; null without hypoperfusion */
  hypoperfusionIntensityRatio: number | null;
}

export function mismatchFigures(v: LesionVolumes): MismatchFigures {
  return {
    mismatchVolumeMl: Math.max(0, v.hypoperfusionVolumeMl - v.coreVolumeMl),
    mismatchRatio: v.coreVolumeMl > 0 ? v.hypoperfusionVolumeMl / v.coreVolumeMl : null,
    hypoperfusionIntensityRatio: v.hypoperfusionVolumeMl > 0 ? v.tmax10VolumeMl / v.hypoperfusionVolumeMl : null,
  };
}

/**
 * DEFUSE 3: core < 70 mL, mismatch >= 15 mL, ratio >= 1.8. EXTEND: core < 70 mL, mismatch > 10 mL,
 * ratio > 1.2. A zero core with hypoperfusion has an unbounded ratio, which meets both ratio criteria.
 */
export function eligibility(v: LesionVolumes): PerfusionEligibility {
  const m = mismatchFigures(v);
  const ratioAtLeast = (limit: number, strict: boolean) =>
    m.mismatchRatio === null ? v.hypoperfusionVolumeMl > 0 : strict ? m.mismatchRatio > limit : m.mismatchRatio >= limit;
  return {
    defuse3: v.coreVolumeMl < DEFUSE3.maxCoreMl && m.mismatchVolumeMl >= DEFUSE3.minMismatchMl && ratioAtLeast(DEFUSE3.minRatio, false),
    extend: v.coreVolumeMl < EXTEND.maxCoreMl && m.mismatchVolumeMl > EXTEND.minMismatchMl && ratioAtLeast(EXTEND.minRatio, true),
  };
}
