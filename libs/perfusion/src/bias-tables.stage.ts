import type { TissueDeconvolution } from './deconvolution.stage';
import type { MapOptions } from './perfusion-options';
import { negativeLagCount } from './residue-maps';
import { truncationBias, type TruncationBias } from './truncation-bias';

/** Latest arrival (s) the bias tables simulate templates for. */
export const BIAS_MAX_DELAY_SECONDS = 24;

/**
 * Stage 6a: what truncation does to CBF and Tmax at each level used, simulated with the study's own AIF
 * and pseudo-inverses (see truncationBias); null when the correction is off (plain oSVD).
 */
export function biasTables(deconvolution: TissueDeconvolution, options: Pick<MapOptions, 'correctTruncation' | 'residueModels'>): TruncationBias | null {
  if (!options.correctTruncation) return null;
  const { arterial, grid, pseudoInverses, thresholds, levels } = deconvolution;
  const interval = grid.intervalSeconds;
  return truncationBias(
    arterial,
    interval,
    pseudoInverses,
    thresholds.length,
    negativeLagCount(interval),
    BIAS_MAX_DELAY_SECONDS,
    new Set(levels),
    options.residueModels,
  );
}
