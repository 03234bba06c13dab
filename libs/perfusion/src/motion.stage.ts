import type { AnalysisGrid } from './analysis-grid';
import type { MotionOptions } from './perfusion-options';
import { MIN_TIME_POINTS } from './grid.stage';
import { ExcessiveMotionError } from './perfusion.errors';
import { IDENTITY_TRANSFORM, RigidRegistration, resampleStack, type ImageStack, type RigidTransform2D } from './rigid-registration';

/** Motion of the head at one time point, relative to the first image (the pre-contrast reference). */
export interface TimePointMotion {
  timeSeconds: number;
  /** movement of the head's centre (the centroid of the skull in the reference), mm, in patient coordinates (LPS) */
  translationMm: [number, number, number];
  /** its length, mm */
  shiftMm: number;
  /** in-plane turn, degrees, from the image's row direction towards its column direction */
  rotationDegrees: number;
  /** largest movement of any point of the skull, mm */
  displacementMm: number;
  /** bone residual after alignment relative to the bone signal (0 perfect) */
  mismatch: number;
  /** resampled onto the reference */
  corrected: boolean;
  /** used by the analysis; false: left out (moved beyond the limit, or could not be aligned) */
  included: boolean;
}

export interface MotionReport {
  /** what was estimated: one in-plane rigid transform per time point for the whole slab (no through-plane motion) */
  method: 'in-plane rigid, bone-weighted';
  /** patient position (LPS, mm) of the head's centre that translations refer to, in the first slice */
  centreMm: [number, number, number];
  timePoints: TimePointMotion[];
  maxShiftMm: number;
  maxRotationDegrees: number;
  excluded: number;
}

export interface MotionCorrection {
  /** the grid with its frames aligned to the first and the left-out time points removed */
  grid: AnalysisGrid;
  motion: MotionReport;
  /**
   * voxels next to bone in the reference when any frame was resampled: their curves carry the interpolated skull
   * edge, so they are left out of the enhancement checks and the brain; null when nothing was resampled
   */
  skullEdge: Uint8Array | null;
  warnings: string[];
}

const BONE_EDGE_HU = 150;

function frameOf(grid: AnalysisGrid, t: number, out: Float32Array): Float32Array {
  const T = grid.timePoints;
  for (let v = 0; v < out.length; v++) out[v] = grid.hu[v * T + t];
  return out;
}

const TRANSPOSE_BLOCK = 64;

/**
 * Voxel-major curves (hu[v * T + t]) to time-major frames (frames[t * V + v]) or back, a block of voxels at a time:
 * reading one frame at a time strides through all the curves (most of the motion stage's memory traffic).
 */
function transposeCurves(curves: Float32Array, frames: Float32Array, voxels: number, T: number, toFrames: boolean): void {
  for (let v0 = 0; v0 < voxels; v0 += TRANSPOSE_BLOCK) {
    const v1 = Math.min(voxels, v0 + TRANSPOSE_BLOCK);
    for (let t = 0; t < T; t++) {
      const o = t * voxels;
      if (toFrames) for (let v = v0; v < v1; v++) frames[o + v] = curves[v * T + t];
      else for (let v = v0; v < v1; v++) curves[v * T + t] = frames[o + v];
    }
  }
}

/** Voxels within one in-plane voxel of bone (> 150 HU) in the reference, bone itself included. */
function skullEdgeOf(grid: AnalysisGrid, reference: Float32Array): Uint8Array {
  const { columns: C, rows: R, slices: S } = grid;
  const edge = new Uint8Array(C * R * S);
  for (let z = 0; z < S; z++)
    for (let y = 0; y < R; y++)
      for (let x = 0; x < C; x++) {
        const i = (z * R + y) * C + x;
        if (reference[i] <= BONE_EDGE_HU) continue;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx >= 0 && xx < C && yy >= 0 && yy < R) edge[(z * R + yy) * C + xx] = 1;
          }
      }
  return edge;
}

const seconds = (times: number[]) => times.map((t) => `${Math.round(t * 10) / 10} s`).join(', ');

/**
 * Stage 2 (before anything reads a curve): each time point registered to the first image, the pre-contrast
 * reference, by an in-plane rigid transform on bone (rigid-registration.ts), and resampled onto it when it moved
 * more than options.minCorrectionMm. A time point whose head moved beyond the limits, or that cannot be aligned
 * (through-plane motion changes the skull's section), is left out with a warning; when more than
 * options.maxExcludedFraction of them (or so many that fewer than MIN_TIME_POINTS remain) are, the study is refused.
 */
export function correctMotion(grid: AnalysisGrid, options: MotionOptions): MotionCorrection {
  const { columns: C, rows: R, slices: S, timePoints: T } = grid;
  const voxels = C * R * S;
  const iop = grid.source.ImageOrientationPatient;
  const stack = (data: Float32Array): ImageStack => ({ columns: C, rows: R, slices: S, spacingMm: [grid.spacingMm[0], grid.spacingMm[1]], data });
  const reference = frameOf(grid, 0, new Float32Array(voxels));
  const registration = new RigidRegistration(stack(reference));
  const [px, py] = registration.pivotMm;
  const ipp = grid.source.ImagePositionPatient[0];
  // the analysis grid's pixel centres are block centres of the source (analysis-grid.ts)
  const half = (grid.factor - 1) / 2;
  const along = px + half * grid.source.spacingMm[0];
  const down = py + half * grid.source.spacingMm[1];
  const centreMm = [0, 1, 2].map((k) => ipp[k] + iop[k] * along + iop[3 + k] * down) as [number, number, number];

  const aligned = new Float32Array(voxels);
  // every time point as a frame, made at the first registration; resampled frames are written back into it, and the
  // curves are rebuilt from it only when a frame was resampled (a still series needs no copy)
  let frames: Float32Array | undefined;
  let hu = grid.hu;
  const report: TimePointMotion[] = [];
  let previous: RigidTransform2D = IDENTITY_TRANSFORM;
  let resampled = 0;
  for (let t = 0; t < T; t++) {
    const time = grid.timesSeconds[t];
    if (t === 0 || !options.enabled || registration.boneSamples < 20) {
      report.push({
        timeSeconds: time,
        translationMm: [0, 0, 0],
        shiftMm: 0,
        rotationDegrees: 0,
        displacementMm: 0,
        mismatch: 0,
        corrected: false,
        included: true,
      });
      continue;
    }
    if (!frames) {
      frames = new Float32Array(voxels * T);
      transposeCurves(grid.hu, frames, voxels, T, true);
    }
    const frame = frames.subarray(t * voxels, (t + 1) * voxels);
    const { transform, mismatch } = registration.register(stack(frame), [previous, IDENTITY_TRANSFORM]);
    const [sx, sy] = transform.shiftMm;
    const shiftMm = Math.hypot(sx, sy);
    const rotationDegrees = (transform.angle * 180) / Math.PI;
    const displacementMm = registration.displacementMm(transform);
    const aligns = mismatch <= options.maxMismatch;
    const included = aligns && shiftMm <= options.limitMm && Math.abs(rotationDegrees) <= options.limitDegrees;
    const corrected = included && displacementMm >= options.minCorrectionMm;
    if (aligns) previous = transform;
    if (corrected) {
      resampleStack(stack(frame), transform, registration.pivotMm, aligned);
      frame.set(aligned);
      resampled++;
    }
    const round = (v: number) => Math.round(v * 1000) / 1000;
    report.push({
      timeSeconds: time,
      translationMm: [0, 1, 2].map((k) => round(iop[k] * sx + iop[3 + k] * sy)) as [number, number, number],
      shiftMm: round(shiftMm),
      rotationDegrees: round(rotationDegrees),
      displacementMm: round(displacementMm),
      mismatch: round(mismatch),
      corrected,
      included,
    });
  }

  if (resampled > 0 && frames) {
    hu = new Float32Array(voxels * T);
    transposeCurves(hu, frames, voxels, T, false);
  }

  const excluded = report.filter((m) => !m.included);
  const warnings: string[] = [];
  const motion: MotionReport = {
    method: 'in-plane rigid, bone-weighted',
    centreMm,
    timePoints: report,
    maxShiftMm: Math.max(...report.map((m) => m.shiftMm)),
    maxRotationDegrees: Math.max(...report.map((m) => Math.abs(m.rotationDegrees))),
    excluded: excluded.length,
  };
  if (excluded.length > 0) {
    const remaining = T - excluded.length;
    const moved = excluded.filter((m) => m.mismatch <= options.maxMismatch);
    const most = `most ${Math.max(...excluded.map((m) => m.shiftMm)).toFixed(1)} mm, ${Math.max(...excluded.map((m) => Math.abs(m.rotationDegrees))).toFixed(1)} degrees`;
    const why =
      moved.length === excluded.length
        ? `the head moved more than ${options.limitMm} mm or ${options.limitDegrees} degrees (${most})`
        : moved.length === 0
          ? 'the skull could not be aligned to the first image (through-plane or too large motion)'
          : `the head moved more than ${options.limitMm} mm or ${options.limitDegrees} degrees, or the skull could not be aligned to the first image`;
    if (excluded.length > options.maxExcludedFraction * T || remaining < MIN_TIME_POINTS) {
      throw new ExcessiveMotionError(
        `too much head motion to correct: in ${excluded.length} of ${T} images ${why}; at most ${Math.floor(options.maxExcludedFraction * T)} may be left out`,
      );
    }
    warnings.push(`${excluded.length} of ${T} images left out: ${why} (at ${seconds(excluded.map((m) => m.timeSeconds))})`);
  }
  if (resampled > 0) {
    warnings.push(
      `head motion corrected in ${resampled} of ${T} images (up to ${motion.maxShiftMm.toFixed(1)} mm and ${motion.maxRotationDegrees.toFixed(1)} degrees in-plane)`,
    );
  }
  const keep = report.map((m, t) => (m.included ? t : -1)).filter((t) => t >= 0);
  let corrected: AnalysisGrid = resampled > 0 || excluded.length > 0 ? { ...grid, hu } : grid;
  if (excluded.length > 0) {
    const K = keep.length;
    const kept = new Float32Array(voxels * K);
    for (let v = 0; v < voxels; v++) for (let k = 0; k < K; k++) kept[v * K + k] = hu[v * T + keep[k]];
    corrected = { ...grid, hu: kept, timePoints: K, timesSeconds: Float64Array.from(keep, (t) => grid.timesSeconds[t]) };
  }
  return { grid: corrected, motion, skullEdge: resampled > 0 ? skullEdgeOf(grid, reference) : null, warnings };
}
