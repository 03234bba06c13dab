import type { GridGeometry } from './analysis-grid';
import { removeSmallClusters } from './connected-clusters';
import type { LesionVolumes } from './eligibility';
import { CORE_RELATIVE_CBF, HYPOPERFUSION_TMAX_SECONDS, REFERENCE_TMAX_SECONDS, SEVERE_TMAX_SECONDS } from './perfusion-constants';
import type { LesionOptions } from './perfusion-options';
import { DeconvolutionError } from './perfusion.errors';

export type Hemisphere = 'left' | 'right';

export interface Lesions {
  /** Tmax > 6 s, Tmax > 10 s and core (rCBF < 30 %) masks on the analysis grid, specks removed */
  hypoperfusion: Uint8Array;
  severe: Uint8Array;
  core: Uint8Array;
  /** CBF over referenceCbf */
  rcbf: Float32Array;
  volumes: LesionVolumes;
  affectedHemisphere: Hemisphere | null;
  /** mean CBF of normal tissue, mL/100 g/min */
  referenceCbf: number;
}

/** Clusters under minClusterMl, in voxels (at least one). */
export function minClusterVoxels(voxelVolumeMl: number, minClusterMl: number): number {
  return Math.max(1, Math.round(minClusterMl / voxelVolumeMl));
}

/** Tissue with Tmax > 6 s and Tmax > 10 s, clusters smaller than minVoxels removed. */
export function tmaxMasks(
  tmax: Float32Array,
  tissue: Uint8Array,
  geometry: GridGeometry,
  minVoxels: number,
): { hypoperfusion: Uint8Array; severe: Uint8Array } {
  const n = tissue.length;
  const hypoperfusion = new Uint8Array(n);
  const severe = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!tissue[i]) continue;
    if (tmax[i] > HYPOPERFUSION_TMAX_SECONDS) hypoperfusion[i] = 1;
    if (tmax[i] > SEVERE_TMAX_SECONDS) severe[i] = 1;
  }
  removeSmallClusters(hypoperfusion, geometry.columns, geometry.rows, geometry.slices, minVoxels);
  removeSmallClusters(severe, geometry.columns, geometry.rows, geometry.slices, minVoxels);
  return { hypoperfusion, severe };
}

/**
 * The hemisphere whose hypoperfused volume reaches minAffectedMl and twice the other side's; null when
 * neither does. side: +1 patient's left, -1 right (HeadGeometry.side).
 */
export function affectedHemisphere(hypoperfusion: Uint8Array, side: Int8Array, voxelVolumeMl: number, minAffectedMl: number): Hemisphere | null {
  let left = 0;
  let right = 0;
  for (let i = 0; i < hypoperfusion.length; i++) if (hypoperfusion[i]) side[i] > 0 ? left++ : right++;
  const leftMl = left * voxelVolumeMl;
  const rightMl = right * voxelVolumeMl;
  const larger = Math.max(leftMl, rightMl);
  return larger >= minAffectedMl && larger >= 2 * Math.min(leftMl, rightMl) ? (leftMl > rightMl ? 'left' : 'right') : null;
}

/**
 * CBF of normal tissue that rCBF is relative to: the mean over tissue with Tmax < 4 s on the unaffected
 * side (both sides when none is affected), 1 % trimmed at each end.
 */
export function referenceCbf(cbf: Float32Array, tmax: Float32Array, tissue: Uint8Array, side: Int8Array, affected: Hemisphere | null): number {
  const unaffectedSign = affected === 'left' ? -1 : affected === 'right' ? 1 : 0;
  const reference: number[] = [];
  for (let i = 0; i < tissue.length; i++) {
    if (!tissue[i] || tmax[i] >= REFERENCE_TMAX_SECONDS) continue;
    if (unaffectedSign !== 0 && side[i] !== unaffectedSign) continue;
    reference.push(cbf[i]);
  }
  if (reference.length === 0) throw new DeconvolutionError('no normal tissue (Tmax < 4 s) to reference rCBF against');
  reference.sort((a, b) => a - b);
  const trim = Math.floor(reference.length * 0.01);
  let sum = 0;
  for (let i = trim; i < reference.length - trim; i++) sum += reference[i];
  return sum / Math.max(1, reference.length - 2 * trim);
}

/**
 * rCBF over the tissue, and the core: rCBF < 30 %, within Tmax > 6 s unless `withinHypoperfusion` is
 * false (infarcting tissue is very low flow within the hypoperfused territory). Small clusters are left in.
 */
export function coreMask(
  cbf: Float32Array,
  tmax: Float32Array,
  tissue: Uint8Array,
  reference: number,
  withinHypoperfusion: boolean,
): { rcbf: Float32Array; core: Uint8Array } {
  const n = tissue.length;
  const rcbf = new Float32Array(n);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!tissue[i]) continue;
    rcbf[i] = cbf[i] / reference;
    if (rcbf[i] < CORE_RELATIVE_CBF && (!withinHypoperfusion || tmax[i] > HYPOPERFUSION_TMAX_SECONDS)) core[i] = 1;
  }
  return { rcbf, core };
}

/** Volume of a mask, mL. */
export function maskVolumeMl(mask: Uint8Array, voxelVolumeMl: number): number {
  return mask.reduce((s, v) => s + v, 0) * voxelVolumeMl;
}

/**
 * Stage 7: hypoperfusion (Tmax > 6 s) and Tmax > 10 s, the affected side, the rCBF reference on the other
 * side and the core (rCBF < 30 %), as masks and volumes (DESIGN.md "Stroke CT perfusion: the contract").
 */
export function measureLesions(
  geometry: GridGeometry,
  maps: { cbf: Float32Array; tmax: Float32Array; tissue: Uint8Array },
  side: Int8Array,
  options: LesionOptions,
): Lesions {
  const { cbf, tmax, tissue } = maps;
  const minVoxels = minClusterVoxels(geometry.voxelVolumeMl, options.minClusterMl);
  const { hypoperfusion, severe } = tmaxMasks(tmax, tissue, geometry, minVoxels);
  const hemisphere = affectedHemisphere(hypoperfusion, side, geometry.voxelVolumeMl, options.minAffectedMl);
  const reference = referenceCbf(cbf, tmax, tissue, side, hemisphere);
  const { rcbf, core } = coreMask(cbf, tmax, tissue, reference, options.coreWithinHypoperfusion);
  removeSmallClusters(core, geometry.columns, geometry.rows, geometry.slices, minVoxels);
  const volumes = {
    coreVolumeMl: maskVolumeMl(core, geometry.voxelVolumeMl),
    hypoperfusionVolumeMl: maskVolumeMl(hypoperfusion, geometry.voxelVolumeMl),
    tmax10VolumeMl: maskVolumeMl(severe, geometry.voxelVolumeMl),
  };
  return { hypoperfusion, severe, core, rcbf, volumes, affectedHemisphere: hemisphere, referenceCbf: reference };
}
