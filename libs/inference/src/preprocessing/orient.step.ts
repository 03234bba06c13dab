import { sliceNormal, type Vec3 } from '@nidus/imaging';
import { ModelInputError } from '../inference.errors';
import type { OrientStep } from '../manifest/preprocessing-step.schema';
import { permuteSpatial, type AxisMap, type Grid } from './grid';
import type { StepContext } from './step-context';

// Patient directions in DICOM's LPS patient coordinates (PS3.3 C.7.6.2.1.1): +x left, +y posterior, +z superior.
const DIRECTION: Record<string, Vec3> = { L: [1, 0, 0], R: [-1, 0, 0], P: [0, 1, 0], A: [0, -1, 0], S: [0, 0, 1], I: [0, 0, -1] };

const PERMUTATIONS: [number, number, number][] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** Grid axis directions of a source volume: slice normal, column direction (down the rows), row direction. */
export function sourceDirections(orientation: readonly number[]): [Vec3, Vec3, Vec3] {
  const row: Vec3 = [orientation[0], orientation[1], orientation[2]];
  const column: Vec3 = [orientation[3], orientation[4], orientation[5]];
  return [sliceNormal(orientation as [number, number, number, number, number, number]), column, row];
}

/**
 * Which grid axis goes to each tensor axis, and whether it is flipped: for patient codes, the permutation whose
 * axes lie closest to the named directions (largest sum of |cosines|, so oblique images take their nearest
 * axes), flipped where an axis points away; `zyx` keeps the voxel order, `xyz` reverses it.
 */
export function orientation(
  to: string,
  directions: [Vec3, Vec3, Vec3] | undefined,
  modelId: string,
): { order: [number, number, number]; flip: [boolean, boolean, boolean] } {
  if (to === 'zyx') return { order: [0, 1, 2], flip: [false, false, false] };
  if (to === 'xyz') return { order: [2, 1, 0], flip: [false, false, false] };
  if (!directions) throw new ModelInputError(modelId, 'geometry', 'orient needs ImageOrientationPatient');
  const targets = [...to].map((c) => DIRECTION[c]);
  const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  let best = PERMUTATIONS[0];
  let bestScore = -Infinity;
  for (const p of PERMUTATIONS) {
    const score = p.reduce((sum, axis, k) => sum + Math.abs(dot(directions[axis], targets[k])), 0);
    if (score > bestScore + 1e-9) {
      best = p;
      bestScore = score;
    }
  }
  return { order: best, flip: best.map((axis, k) => dot(directions[axis], targets[k]) < 0) as [boolean, boolean, boolean] };
}

/** Reorders (and flips) the spatial axes so that tensor axis k is grid axis order[k]. */
export function applyOrientStep(grid: Grid, step: OrientStep, context: StepContext): Grid {
  const { order, flip } = orientation(step.to, grid.directions, context.modelId);
  const { data, dims } = permuteSpatial(grid.data, grid.channels, grid.dims, order, flip);
  const maps = order.map((axis, k): AxisMap => {
    const map = grid.maps[axis];
    return flip[k] ? { source: map.source, scale: -map.scale, offset: grid.dims[axis] - 1 - map.offset } : map;
  }) as Grid['maps'];
  const spacingMm = grid.spacingMm ? (order.map((axis) => grid.spacingMm![axis]) as Grid['spacingMm']) : undefined;
  const directions = grid.directions
    ? (order.map((axis, k) => {
        const v = grid.directions![axis];
        return flip[k] ? ([-v[0], -v[1], -v[2]] as Vec3) : v;
      }) as Grid['directions'])
    : undefined;
  return { ...grid, data, dims, maps, spacingMm, directions };
}
