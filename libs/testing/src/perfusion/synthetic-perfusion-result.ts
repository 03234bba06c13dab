// Test helpers: a PerfusionResult on a small grid with known regions, and the Volume4D geometry that goes with it.
import type { Volume4D } from '@nidus/imaging';
import type { PerfusionResult } from '@nidus/perfusion';

export interface Box {
  z: [number, number];
  y: [number, number];
  x: [number, number];
}

export interface SyntheticPerfusionOptions {
  rows: number;
  columns: number;
  slices: number;
  /** Tmax > 6 s region (Tmax 8 s inside, 12 s in its first half of x when tmax10 is wanted) */
  hypoperfusion: Box;
  /** rCBF < 30 % region (inside hypoperfusion usually) */
  core: Box | null;
  voxelMl: number;
}

function inBox(b: Box | null, z: number, y: number, x: number): boolean {
  return !!b && z >= b.z[0] && z < b.z[1] && y >= b.y[0] && y < b.y[1] && x >= b.x[0] && x < b.x[1];
}

export function syntheticPerfusionResult(o: SyntheticPerfusionOptions): PerfusionResult {
  const n = o.rows * o.columns * o.slices;
  const maps = {
    columns: o.columns,
    rows: o.rows,
    slices: o.slices,
    cbf: new Float32Array(n),
    cbv: new Float32Array(n),
    mtt: new Float32Array(n),
    tmax: new Float32Array(n),
    rcbf: new Float32Array(n),
    brainMask: new Uint8Array(n),
    coreMask: new Uint8Array(n),
    hypoperfusionMask: new Uint8Array(n),
    tmax10Mask: new Uint8Array(n),
  };
  for (let z = 0; z < o.slices; z++)
    for (let y = 0; y < o.rows; y++)
      for (let x = 0; x < o.columns; x++) {
        const i = (z * o.rows + y) * o.columns + x;
        // brain: everything but a one-voxel rim
        const brain = y > 0 && x > 0 && y < o.rows - 1 && x < o.columns - 1;
        maps.brainMask[i] = brain ? 1 : 0;
        if (!brain) {
          maps.tmax[i] = NaN;
          maps.rcbf[i] = NaN;
          continue;
        }
        const hypo = inBox(o.hypoperfusion, z, y, x);
        const late = hypo && x < (o.hypoperfusion.x[0] + o.hypoperfusion.x[1]) / 2;
        const core = inBox(o.core, z, y, x);
        maps.tmax[i] = late ? 12 : hypo ? 8 : 1 + (x % 3);
        maps.rcbf[i] = core ? 0.15 : hypo ? 0.7 : 1;
        maps.cbf[i] = 50 * maps.rcbf[i];
        maps.cbv[i] = 4;
        maps.mtt[i] = 4.8;
        maps.hypoperfusionMask[i] = hypo ? 1 : 0;
        maps.tmax10Mask[i] = late ? 1 : 0;
        maps.coreMask[i] = core ? 1 : 0;
      }
  const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
  const core = count(maps.coreMask) * o.voxelMl;
  const hypo = count(maps.hypoperfusionMask) * o.voxelMl;
  const tmax10 = count(maps.tmax10Mask) * o.voxelMl;
  const mismatch = Math.max(0, hypo - core);
  const ratio = core > 0 ? hypo / core : null;
  return {
    summary: {
      coreVolumeMl: core,
      hypoperfusionVolumeMl: hypo,
      tmax10VolumeMl: tmax10,
      mismatchVolumeMl: mismatch,
      mismatchRatio: ratio,
      hypoperfusionIntensityRatio: hypo > 0 ? tmax10 / hypo : null,
      // with ImageOrientationPatient 1\0\0\0\1\0, low x is the patient's right
      affectedHemisphere: hypo === 0 ? null : o.hypoperfusion.x[0] + o.hypoperfusion.x[1] < o.columns ? 'right' : 'left',
      eligibility: {
        defuse3: core < 70 && mismatch >= 15 && (ratio === null || ratio >= 1.8),
        extend: core < 70 && mismatch > 10 && (ratio === null || ratio > 1.2),
      },
      warnings: [],
    },
    maps,
    arterialInputFunction: { timesSeconds: [0, 1, 2], values: [0, 100, 20], voxelCount: 4 },
    venousOutputFunction: { timesSeconds: [0, 1, 2], values: [0, 50, 90], voxelCount: 6 },
    motion: {
      method: 'in-plane rigid, bone-weighted',
      centreMm: [0, 0, 0],
      timePoints: [0, 1, 2].map((timeSeconds) => ({
        timeSeconds,
        translationMm: [0, 0, 0],
        shiftMm: 0,
        rotationDegrees: 0,
        displacementMm: 0,
        mismatch: 0,
        corrected: false,
        included: true,
      })),
      maxShiftMm: 0,
      maxRotationDegrees: 0,
      excluded: 0,
    },
    quality: {
      confidence: 'reduced',
      problems: ['bolus truncated: the venous curve is still at 100 % of its peak at the end of the scan'],
      venousEndFraction: 1,
      bolusTruncated: true,
      usableBrainFraction: 0.9,
      arterialLocationsMm: [
        [10, 12, 0],
        [11, 12, 0],
      ],
      venousLocationsMm: [[0, 40, 5]],
    },
    timings: { total: 0.1 },
  };
}

/** Volume4D geometry (and baseline HU data) matching a synthetic CT series' geometry, for timePoints copies. */
export function volumeFor(
  geometry: {
    Rows: number;
    Columns: number;
    PixelSpacing: readonly [number, number];
    ImageOrientationPatient: readonly number[];
    slices: readonly { ImagePositionPatient: readonly number[]; SOPInstanceUID: string }[];
  },
  sliceSpacing: number,
  timePoints = 1,
): Volume4D {
  const { Rows: rows, Columns: columns } = geometry;
  const slices = geometry.slices.length;
  const data = new Float32Array(timePoints * slices * rows * columns).map((_, i) => 20 + (i % 40));
  return {
    data,
    columns,
    rows,
    slices,
    timePoints,
    timesSeconds: Float64Array.from({ length: timePoints }, (_, t) => t * 1.5),
    spacingMm: [geometry.PixelSpacing[1], geometry.PixelSpacing[0], sliceSpacing],
    ImageOrientationPatient: [...geometry.ImageOrientationPatient] as Volume4D['ImageOrientationPatient'],
    ImagePositionPatient: geometry.slices.map((s) => [...s.ImagePositionPatient] as [number, number, number]),
    SOPInstanceUIDs: Array.from({ length: timePoints }, (_, t) => geometry.slices.map((s) => (t === 0 ? s.SOPInstanceUID : `${s.SOPInstanceUID}.${t}`))),
  };
}
