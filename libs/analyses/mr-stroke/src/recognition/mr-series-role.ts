import type { MrHeaderFacts } from './mr-header-facts';

/** The part a series plays in an MR stroke study. */
export type MrSeriesRole = 'diffusion' | 'adc' | 'perfusion';

export const MR_SERIES_ROLES: readonly MrSeriesRole[] = ['diffusion', 'adc', 'perfusion'];

export type MrRecognition = { role: MrSeriesRole; reason: string; bValues: number[]; timePoints: number; EchoTime?: number } | { role: null; reason: string };

/** A diffusion-weighted image has at least this b-value, s/mm^2 (b = 1000 is the stroke protocol's). */
export const MIN_DIFFUSION_B_VALUE = 500;
/** A DSC series has at least this many time points per slice. */
export const MIN_DSC_TIME_POINTS = 10;
/** T2*-weighted gradient-echo EPI for DSC: EchoTime 15-60 ms (T1-weighted DCE runs at a few ms). */
export const DSC_ECHO_TIME_MS: readonly [number, number] = [15, 60];

const ADC_DESCRIPTION = /\badc\b|apparent diffusion|_adc|adc_/i;
const DIFFUSION_DESCRIPTION = /diff|dwi|trace|\bb0\b|b1000/i;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Recognises one series of an MR study from its headers alone:
 * - ADC map: ImageType holds ADC (DERIVED\PRIMARY\DIFFUSION\ADC, PS3.3 C.8.13.1.1.1 value 4) or the description names it;
 * - diffusion: b-values from DiffusionBValue or the vendor tags, one of them at least 500 s/mm^2 (or only b = 0 in a
 *   series described as diffusion: the b = 0 half of a split acquisition);
 * - DSC perfusion: at least 10 time points per slice (NumberOfTemporalPositions, TemporalPositionIdentifier, or repeated
 *   positions) at a T2*-weighted EchoTime of 15-60 ms.
 */
export function recogniseMrSeries(facts: readonly MrHeaderFacts[]): MrRecognition {
  if (facts.length === 0) return { role: null, reason: 'no images' };
  const first = facts[0];
  if ((first.Modality ?? '').toUpperCase() !== 'MR') return { role: null, reason: `modality ${first.Modality ?? '(none)'}, not MR` };
  const bValues = [...new Set(facts.map((f) => f.bValue).filter((b): b is number => b !== undefined))].sort((a, b) => a - b);
  // images per slice position, when every header has one
  const positions = new Set(facts.map((f) => f.position));
  const perPosition = facts.every((f) => f.position !== undefined) ? Math.round(facts.length / positions.size) : 1;
  const announced = Math.max(0, ...facts.map((f) => f.NumberOfTemporalPositions ?? 0));
  const temporal = new Set(facts.map((f) => f.TemporalPositionIdentifier).filter((t) => t !== undefined)).size;
  const timePoints = Math.max(announced, temporal, perPosition);
  const EchoTime = median(facts.map((f) => f.EchoTime).filter((t): t is number => t !== undefined));

  if (first.ImageType.includes('ADC') || ADC_DESCRIPTION.test(first.SeriesDescription ?? '')) {
    return { role: 'adc', reason: first.ImageType.includes('ADC') ? 'ImageType ADC' : 'described as ADC', bValues, timePoints, EchoTime };
  }
  if (bValues.some((b) => b >= MIN_DIFFUSION_B_VALUE)) {
    return { role: 'diffusion', reason: `b-values ${bValues.join(', ')} s/mm^2`, bValues, timePoints, EchoTime };
  }
  if (bValues.length > 0 && DIFFUSION_DESCRIPTION.test(first.SeriesDescription ?? '')) {
    return { role: 'diffusion', reason: `b-values ${bValues.join(', ')} s/mm^2 in a series described as diffusion`, bValues, timePoints, EchoTime };
  }
  if (timePoints >= MIN_DSC_TIME_POINTS) {
    if (EchoTime === undefined) return { role: null, reason: `${timePoints} time points but no EchoTime: cannot tell DSC from another dynamic series` };
    if (EchoTime < DSC_ECHO_TIME_MS[0] || EchoTime > DSC_ECHO_TIME_MS[1]) {
      return { role: null, reason: `${timePoints} time points at EchoTime ${EchoTime} ms: not T2*-weighted DSC (${DSC_ECHO_TIME_MS.join('-')} ms)` };
    }
    return { role: 'perfusion', reason: `${timePoints} time points at EchoTime ${EchoTime} ms`, bValues, timePoints, EchoTime };
  }
  return { role: null, reason: `${timePoints} image(s) per position, no diffusion b-value: neither diffusion nor DSC` };
}
