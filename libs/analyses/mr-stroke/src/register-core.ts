import type { StackGeometry } from '@nidus/imaging';

/** A grid placed in patient space: size, spacing, orientation and the position of each slice (PS3.3 C.7.6.2.1.1). */
export interface PlacedGrid {
  columns: number;
  rows: number;
  slices: number;
  /** [column spacing, row spacing, slice spacing] mm */
  spacingMm: [number, number, number];
  ImageOrientationPatient: StackGeometry['ImageOrientationPatient'];
  ImagePositionPatient: readonly (readonly [number, number, number])[];
}

const SUBSAMPLES = 3;

function normal(iop: PlacedGrid['ImageOrientationPatient']): [number, number, number] {
  return [iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]];
}

const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * Resamples a mask from one grid onto another of the same examination through patient coordinates (both grids'
 * ImagePositionPatient / ImageOrientationPatient): each target voxel is sampled at 3 x 3 points in plane, and is in
 * the mask when at least half of them fall in source voxels of the mask. Source slices are matched by their
 * position along the source normal (nearest slice within half a spacing).
 */
export function resampleMask(mask: Uint8Array, from: PlacedGrid, to: PlacedGrid): Uint8Array {
  const out = new Uint8Array(to.columns * to.rows * to.slices);
  const fr: [number, number, number] = [from.ImageOrientationPatient[0], from.ImageOrientationPatient[1], from.ImageOrientationPatient[2]];
  const fc: [number, number, number] = [from.ImageOrientationPatient[3], from.ImageOrientationPatient[4], from.ImageOrientationPatient[5]];
  const fn = normal(from.ImageOrientationPatient);
  const sliceAt = from.ImagePositionPatient.map((p) => dot(p, fn));
  const origin = from.ImagePositionPatient[0];
  const tr = to.ImageOrientationPatient.slice(0, 3);
  const tc = to.ImageOrientationPatient.slice(3, 6);
  const [dx, dy] = to.spacingMm;
  const need = Math.ceil((SUBSAMPLES * SUBSAMPLES) / 2);
  for (let z = 0; z < to.slices; z++) {
    const p0 = to.ImagePositionPatient[z];
    for (let y = 0; y < to.rows; y++)
      for (let x = 0; x < to.columns; x++) {
        let hits = 0;
        for (let sy = 0; sy < SUBSAMPLES; sy++)
          for (let sx = 0; sx < SUBSAMPLES; sx++) {
            const u = (x - 0.5 + (sx + 0.5) / SUBSAMPLES) * dx;
            const v = (y - 0.5 + (sy + 0.5) / SUBSAMPLES) * dy;
            const p = [p0[0] + tr[0] * u + tc[0] * v, p0[1] + tr[1] * u + tc[1] * v, p0[2] + tr[2] * u + tc[2] * v];
            const along = dot(p, fn);
            let k = -1;
            let best = Infinity;
            for (let s = 0; s < sliceAt.length; s++) {
              const d = Math.abs(along - sliceAt[s]);
              if (d < best) ((best = d), (k = s));
            }
            if (k < 0 || best > from.spacingMm[2] / 2 + 1e-6) continue;
            const rel = [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]];
            const col = Math.round(dot(rel, fr) / from.spacingMm[0]);
            const row = Math.round(dot(rel, fc) / from.spacingMm[1]);
            if (col < 0 || row < 0 || col >= from.columns || row >= from.rows) continue;
            if (mask[(k * from.rows + row) * from.columns + col]) hits++;
          }
        if (hits >= need) out[(z * to.rows + y) * to.columns + x] = 1;
      }
  }
  return out;
}
