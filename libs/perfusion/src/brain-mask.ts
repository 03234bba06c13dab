import type { AnalysisGrid } from './analysis-grid';
import type { HeadGeometry } from './head-geometry';
import { NotHeadError } from './perfusion.errors';

/** Pre-contrast HU window of brain parenchyma: below it CSF, above it bone or calcification. */
export const BRAIN_MIN_HU = 15;
export const BRAIN_MAX_HU = 60;

export interface BrainMask {
  /** parenchyma without bone, CSF and vessels */
  mask: Uint8Array;
  /** voxels left out as vessels (arterial or venous enhancement) */
  vessels: Uint8Array;
  volumeMl: number;
}

/**
 * Brain parenchyma: intracranial voxels whose pre-contrast HU, averaged over the 3x3 in-plane
 * neighbours that are themselves intracranial (so bone never bleeds in), lies in the brain window,
 * minus vessels: voxels whose peak enhancement exceeds vesselPeakHu (arteries and veins, with partial
 * volume), and their in-plane neighbours; and minus `exclude` (the skull's edge after motion correction).
 */
export function findBrainMask(
  grid: AnalysisGrid,
  head: HeadGeometry,
  baseline: Float32Array,
  concentration: Float32Array,
  vesselPeakHu: number,
  minBrainMl = 20,
  exclude: Uint8Array | null = null,
  /** parenchyma found by another signal model (MR); absent: the CT HU window below */
  parenchyma?: Uint8Array,
): BrainMask {
  const { columns: C, rows: R, slices: S, timePoints: T } = grid;
  const n = C * R * S;
  const mask = new Uint8Array(n);
  const vessels = new Uint8Array(n);
  for (let z = 0; z < S; z++) {
    for (let y = 0; y < R; y++) {
      for (let x = 0; x < C; x++) {
        const i = (z * R + y) * C + x;
        if (!head.intracranial[i] || exclude?.[i]) continue;
        if (parenchyma) mask[i] = parenchyma[i];
        let sum = 0;
        let count = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= R) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= C) continue;
            const j = (z * R + yy) * C + xx;
            if (!head.intracranial[j]) continue;
            sum += baseline[j];
            count++;
          }
        }
        const smoothed = sum / count;
        if (!parenchyma && smoothed >= BRAIN_MIN_HU && smoothed <= BRAIN_MAX_HU && baseline[i] <= BRAIN_MAX_HU + 40) mask[i] = 1;
        // peak of the curve smoothed [1 2 1] / 4 in time, so that noise alone does not look like a vessel
        let peak = -Infinity;
        const o = i * T;
        for (let t = 0; t < T; t++) {
          const c = (concentration[o + Math.max(0, t - 1)] + 2 * concentration[o + t] + concentration[o + Math.min(T - 1, t + 1)]) / 4;
          if (c > peak) peak = c;
        }
        if (peak > vesselPeakHu) vessels[i] = 1;
      }
    }
  }
  // Vessels and their 8 in-plane neighbours leave the mask.
  let volume = 0;
  for (let z = 0; z < S; z++)
    for (let y = 0; y < R; y++)
      for (let x = 0; x < C; x++) {
        const i = (z * R + y) * C + x;
        if (!mask[i]) continue;
        let nearVessel = false;
        for (let dy = -1; dy <= 1 && !nearVessel; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx >= 0 && xx < C && yy >= 0 && yy < R && vessels[(z * R + yy) * C + xx]) {
              nearVessel = true;
              break;
            }
          }
        if (nearVessel) mask[i] = 0;
        else volume++;
      }
  const volumeMl = volume * grid.voxelVolumeMl;
  if (volumeMl < minBrainMl) {
    throw new NotHeadError(`only ${volumeMl.toFixed(1)} mL of brain parenchyma (${BRAIN_MIN_HU}-${BRAIN_MAX_HU} HU inside the skull): not a head CT`);
  }
  return { mask, vessels, volumeMl };
}
