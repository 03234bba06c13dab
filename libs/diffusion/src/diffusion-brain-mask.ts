import { intracranialFromForeground } from '@nidus/perfusion';
import { percentile } from './adc-map';
import { NoBrainError } from './diffusion.errors';

/** Free water: CSF has an ADC about 3e-3 mm^2/s; a voxel above this is CSF (or mostly CSF), not brain tissue. */
export const CSF_ADC = 1.5e-3;
/** Foreground of the b = 0 image: above this fraction of its 99th percentile (the skull and air stay below it). */
export const FOREGROUND_FRACTION = 0.15;

export interface DiffusionGeometry {
  columns: number;
  rows: number;
  slices: number;
  /** [column spacing, row spacing, slice spacing] mm */
  spacingMm: [number, number, number];
}

export interface DiffusionBrain {
  /** inside the skull: the largest connected foreground, holes filled slice by slice */
  intracranial: Uint8Array;
  /** brain tissue: intracranial, eroded by one voxel in plane, without CSF (ADC >= CSF_ADC) and background (ADC 0) */
  tissue: Uint8Array;
  tissueVolumeMl: number;
}

/**
 * The brain on a diffusion acquisition. The foreground is the b = 0 image above FOREGROUND_FRACTION of its 99th
 * percentile (or, with only the scanner's ADC map, where the map is non-zero); the skull is dark on both, so the
 * largest connected foreground is the intracranial space (scalp, separated by the skull, is left out). Tissue is
 * that space, one voxel in from its edge (partial volume with the skull), without CSF (ADC >= 1.5e-3 mm^2/s).
 */
export function findDiffusionBrain(geometry: DiffusionGeometry, adc: Float32Array, b0: Float32Array | null, minBrainMl = 30): DiffusionBrain {
  const { columns: C, rows: R, slices: S } = geometry;
  const n = C * R * S;
  const foreground = new Uint8Array(n);
  if (b0) {
    const threshold = FOREGROUND_FRACTION * percentile(b0, 0.99);
    for (let i = 0; i < n; i++) foreground[i] = b0[i] > threshold ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) foreground[i] = adc[i] > 0 ? 1 : 0;
  }
  const intracranial = intracranialFromForeground(foreground, geometry);
  const tissue = new Uint8Array(n);
  let count = 0;
  for (let z = 0; z < S; z++)
    for (let y = 1; y < R - 1; y++)
      for (let x = 1; x < C - 1; x++) {
        const i = (z * R + y) * C + x;
        if (!intracranial[i] || !intracranial[i - 1] || !intracranial[i + 1] || !intracranial[i - C] || !intracranial[i + C]) continue;
        if (!(adc[i] > 0) || adc[i] >= CSF_ADC) continue;
        tissue[i] = 1;
        count++;
      }
  const voxelMl = (geometry.spacingMm[0] * geometry.spacingMm[1] * geometry.spacingMm[2]) / 1000;
  const tissueVolumeMl = count * voxelMl;
  if (tissueVolumeMl < minBrainMl) {
    throw new NoBrainError(
      `only ${tissueVolumeMl.toFixed(1)} mL of brain tissue on the diffusion images (at least ${minBrainMl} mL expected): not a brain acquisition`,
    );
  }
  return { intracranial, tissue, tissueVolumeMl };
}
