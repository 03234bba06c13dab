import { hemisphereSides, removeSmallClusters } from '@nidus/perfusion';
import { computeAdc } from './adc-map';
import { findDiffusionBrain, type DiffusionGeometry } from './diffusion-brain-mask';
import { NotDiffusionSeriesError } from './diffusion.errors';

/** RAPID's diffusion core: ADC below 620 x 10^-6 mm^2/s. */
export const CORE_ADC = 620e-6;

export interface DiffusionInput extends DiffusionGeometry {
  /** row then column direction cosines (LPS), as ImageOrientationPatient */
  ImageOrientationPatient: [number, number, number, number, number, number];
  /** the b = 0 image, or null when only the scanner's ADC map came */
  b0: Float32Array | null;
  /** the diffusion-weighted trace image and its b-value (s/mm^2), or null */
  weighted: { bValue: number; data: Float32Array } | null;
  /** the scanner's ADC map in mm^2/s (already scaled), or null: then ADC is computed from b0 and weighted */
  adc: Float32Array | null;
}

export interface DiffusionCoreOptions {
  /** ADC threshold, mm^2/s (default 620e-6) */
  coreAdc?: number;
  /** clusters smaller than this (mL) are noise, removed from the core (default 1) */
  minClusterMl?: number;
}

export interface DiffusionCore {
  adc: Float32Array;
  /** where the ADC came from */
  adcSource: 'scanner' | 'computed';
  intracranial: Uint8Array;
  tissue: Uint8Array;
  coreMask: Uint8Array;
  coreVolumeMl: number;
  tissueVolumeMl: number;
  /** the side holding most of the core (patient's), null with no core or when the sides are within a factor 2 */
  coreSide: 'left' | 'right' | null;
  warnings: string[];
}

/**
 * The ischaemic core on diffusion (after RAPID's DWI method): ADC from the scanner's map, or ln(S0 / Sb) / b from the
 * b = 0 and b = 1000 images; core = brain tissue (no CSF) with ADC < 620e-6 mm^2/s, clusters under minClusterMl removed.
 */
export function analyzeDiffusionCore(input: DiffusionInput, options: DiffusionCoreOptions = {}): DiffusionCore {
  const n = input.columns * input.rows * input.slices;
  const warnings: string[] = [];
  let adc: Float32Array;
  let adcSource: DiffusionCore['adcSource'];
  if (input.b0 && input.weighted) {
    adc = computeAdc(input.b0, input.weighted.data, input.weighted.bValue);
    adcSource = 'computed';
    if (input.adc) warnings.push('ADC computed from the b = 0 and weighted images; the scanner ADC map was not used');
  } else if (input.adc) {
    adc = input.adc;
    adcSource = 'scanner';
  } else {
    throw new NotDiffusionSeriesError('no ADC map and no b = 0 / diffusion-weighted pair: the core cannot be measured');
  }
  if (adc.length !== n) throw new NotDiffusionSeriesError(`ADC has ${adc.length} voxels, the geometry ${n}`);
  if (input.weighted && input.weighted.bValue < 500)
    warnings.push(`diffusion weighting b = ${input.weighted.bValue} s/mm^2: the 620e-6 threshold is set for b = 1000`);
  const brain = findDiffusionBrain(input, adc, input.b0);
  const threshold = options.coreAdc ?? CORE_ADC;
  const coreMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (brain.tissue[i] && adc[i] < threshold) coreMask[i] = 1;
  const voxelMl = (input.spacingMm[0] * input.spacingMm[1] * input.spacingMm[2]) / 1000;
  const minVoxels = Math.max(1, Math.round((options.minClusterMl ?? 1) / voxelMl));
  const kept = removeSmallClusters(coreMask, input.columns, input.rows, input.slices, minVoxels);
  const side = hemisphereSides({ ...input, source: input }, brain.intracranial);
  let left = 0;
  let right = 0;
  for (let i = 0; i < n; i++) if (coreMask[i]) side[i] > 0 ? left++ : right++;
  const coreSide = left + right === 0 ? null : left >= 2 * right ? 'left' : right >= 2 * left ? 'right' : null;
  return {
    adc,
    adcSource,
    intracranial: brain.intracranial,
    tissue: brain.tissue,
    coreMask,
    coreVolumeMl: kept * voxelMl,
    tissueVolumeMl: brain.tissueVolumeMl,
    coreSide,
    warnings,
  };
}
