import type { AnalysisGrid } from './analysis-grid';
import { NotHeadError } from './perfusion.errors';

/** Bone on a pre-contrast CT image (HU). */
export const BONE_HU = 150;

export interface HeadGeometry {
  bone: Uint8Array;
  /** enclosed by bone in its own slice: the intracranial space */
  intracranial: Uint8Array;
  intracranialVolumeMl: number;
  /**
   * +1 on the patient's left of the midline, -1 on the right, 0 outside the head. The midline is the
   * long (anterior-posterior) axis of the intracranial space through its centroid.
   */
  side: Int8Array;
}

/** Patient coordinates (LPS, mm) of a voxel centre on the analysis grid (PS3.3 C.7.6.2.1.1). */
export function patientPosition(grid: AnalysisGrid, x: number, y: number, z: number): [number, number, number] {
  const iop = grid.source.ImageOrientationPatient;
  const ipp = grid.source.ImagePositionPatient[z];
  // centre of the block of source pixels
  const col = x * grid.factor + (grid.factor - 1) / 2;
  const row = y * grid.factor + (grid.factor - 1) / 2;
  const dc = grid.source.spacingMm[0];
  const dr = grid.source.spacingMm[1];
  return [ipp[0] + iop[0] * col * dc + iop[3] * row * dr, ipp[1] + iop[1] * col * dc + iop[4] * row * dr, ipp[2] + iop[2] * col * dc + iop[5] * row * dr];
}

/**
 * Skull and intracranial space, slice by slice: bone is baseline above 150 HU; the outside is what a
 * 4-connected flood from the image border reaches without crossing bone; the rest, not bone, is inside.
 */
export function findHeadGeometry(grid: AnalysisGrid, baseline: Float32Array, minIntracranialMl = 40): HeadGeometry {
  const { columns: C, rows: R, slices: S } = grid;
  const n = C * R * S;
  const bone = new Uint8Array(n);
  const intracranial = new Uint8Array(n);
  for (let i = 0; i < n; i++) bone[i] = baseline[i] > BONE_HU ? 1 : 0;
  const outside = new Uint8Array(C * R);
  const stack: number[] = [];
  let count = 0;
  for (let z = 0; z < S; z++) {
    const off = z * C * R;
    outside.fill(0);
    const push = (p: number) => {
      if (!outside[p] && !bone[off + p]) {
        outside[p] = 1;
        stack.push(p);
      }
    };
    for (let x = 0; x < C; x++) (push(x), push((R - 1) * C + x));
    for (let y = 0; y < R; y++) (push(y * C), push(y * C + C - 1));
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % C;
      const y = (p / C) | 0;
      if (x > 0) push(p - 1);
      if (x < C - 1) push(p + 1);
      if (y > 0) push(p - C);
      if (y < R - 1) push(p + C);
    }
    for (let p = 0; p < C * R; p++) {
      if (!outside[p] && !bone[off + p]) {
        intracranial[off + p] = 1;
        count++;
      }
    }
  }
  const intracranialVolumeMl = count * grid.voxelVolumeMl;
  if (intracranialVolumeMl < minIntracranialMl) {
    throw new NotHeadError(
      `no skull-enclosed space of a head: ${intracranialVolumeMl.toFixed(1)} mL enclosed by bone (>${BONE_HU} HU), at least ${minIntracranialMl} mL expected`,
    );
  }
  return { bone, intracranial, intracranialVolumeMl, side: hemisphereSides(grid, intracranial) };
}

/** What hemisphereSides needs of a grid: its size, spacing and orientation (an analysis grid, or a diffusion volume's). */
export type SideGeometry = Pick<AnalysisGrid, 'columns' | 'rows' | 'slices' | 'spacingMm'> & {
  source: Pick<AnalysisGrid['source'], 'ImageOrientationPatient'>;
};

/** The side of the midline (+1 patient's left, -1 right, 0 outside) of each voxel of an intracranial mask (see HeadGeometry.side). */
export function hemisphereSides(grid: SideGeometry, intracranial: Uint8Array): Int8Array {
  const { columns: C, rows: R, slices: S } = grid;
  const iop = grid.source.ImageOrientationPatient;
  // In-plane coordinates (mm) along the row and column directions.
  const dc = grid.spacingMm[0];
  const dr = grid.spacingMm[1];
  let n = 0;
  let su = 0;
  let sv = 0;
  for (let z = 0; z < S; z++)
    for (let y = 0; y < R; y++) for (let x = 0; x < C; x++) if (intracranial[(z * R + y) * C + x]) (n++, (su += x * dc), (sv += y * dr));
  const cu = su / n;
  const cv = sv / n;
  let suu = 0;
  let svv = 0;
  let suv = 0;
  for (let z = 0; z < S; z++)
    for (let y = 0; y < R; y++)
      for (let x = 0; x < C; x++)
        if (intracranial[(z * R + y) * C + x]) {
          const u = x * dc - cu;
          const v = y * dr - cv;
          suu += u * u;
          svv += v * v;
          suv += u * v;
        }
  // Principal axes of the 2x2 covariance; the left-right axis is the minor one.
  const trace = suu + svv;
  const det = suu * svv - suv * suv;
  const gap = Math.sqrt(Math.max(0, (trace * trace) / 4 - det));
  const minor = trace / 2 - gap;
  const major = trace / 2 + gap;
  let mu: number;
  let mv: number;
  if (major / Math.max(minor, 1e-9) < 1.05) {
    // Round head: fall back to the image row direction.
    mu = 1;
    mv = 0;
  } else if (Math.abs(suv) > 1e-9) {
    mu = minor - svv;
    mv = suv;
  } else {
    [mu, mv] = suu < svv ? [1, 0] : [0, 1];
  }
  // Orient the axis towards the patient's left (+x in LPS): the x component of mu*row + mv*col direction.
  const towardsLeft = mu * iop[0] + mv * iop[3];
  if (towardsLeft < 0) ((mu = -mu), (mv = -mv));
  const side = new Int8Array(C * R * S);
  for (let z = 0; z < S; z++)
    for (let y = 0; y < R; y++)
      for (let x = 0; x < C; x++) {
        const i = (z * R + y) * C + x;
        if (!intracranial[i]) continue;
        const d = (x * dc - cu) * mu + (y * dr - cv) * mv;
        side[i] = d > 0 ? 1 : -1;
      }
  return side;
}
