/**
 * Constants of the indicator-dilution model (Ostergaard 1996; Wu 2003) and of the triage contract
 * (DESIGN.md "Stroke CT perfusion: the contract"; DEFUSE 3, Albers 2018; EXTEND, Ma 2019).
 */
/** kH = (1 - Hct large vessels) / (1 - Hct capillaries) */
export const HEMATOCRIT_CONSTANT = 0.73;
/** brain tissue density, g/mL */
export const TISSUE_DENSITY = 1.04;

export const CORE_RELATIVE_CBF = 0.3;
export const HYPOPERFUSION_TMAX_SECONDS = 6;
export const SEVERE_TMAX_SECONDS = 10;
/** normal tissue for the rCBF reference: Tmax below this */
export const REFERENCE_TMAX_SECONDS = 4;

export const DEFUSE3 = { maxCoreMl: 70, minMismatchMl: 15, minRatio: 1.8 } as const;
export const EXTEND = { maxCoreMl: 70, minMismatchMl: 10, minRatio: 1.2 } as const;
