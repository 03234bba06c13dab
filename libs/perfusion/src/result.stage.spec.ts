import type { Volume4D } from '@nidus/imaging';
import { buildAnalysisGrid } from './analysis-grid';
import type { VascularCurves } from './arterial-input';
import type { HaemodynamicMaps } from './haemodynamic-maps.stage';
import type { Lesions } from './lesions.stage';
import type { MotionReport } from './motion.stage';
import type { PerfusionQuality } from './quality.stage';
import { assembleResult } from './result.stage';

// a 4 x 4 source slice binned 2 x 2 onto a 2 x 2 analysis grid
const volume: Volume4D = {
  data: new Float32Array(4 * 4 * 10),
  columns: 4,
  rows: 4,
  slices: 1,
  timePoints: 10,
  timesSeconds: Float64Array.from({ length: 10 }, (_, t) => 1.5 * t),
  spacingMm: [1, 1, 5],
  ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
  ImagePositionPatient: [[0, 0, 0]],
  SOPInstanceUIDs: [],
};
const grid = buildAnalysisGrid(volume, 2);
const vascular = {
  arterial: Float64Array.from({ length: 10 }, (_, t) => 10 * t),
  arterialVoxels: [0, 1],
  venous: null,
  venousVoxels: [],
} as unknown as VascularCurves;
const f = (...v: number[]) => Float32Array.from(v);
const u = (...v: number[]) => Uint8Array.from(v);
const maps: HaemodynamicMaps = { cbf: f(50, 10, 40, 45), cbv: f(4, 2, 3, 3), mtt: f(4.8, 12, 4.5, 4), tmax: f(2, 9, 3, 1), tissue: u(1, 1, 1, 0) };
const lesions: Lesions = {
  hypoperfusion: u(0, 1, 0, 0),
  severe: u(0, 0, 0, 0),
  core: u(0, 1, 0, 0),
  rcbf: f(1.1, 0.2, 0.9, 0),
  volumes: { coreVolumeMl: 10, hypoperfusionVolumeMl: 50, tmax10VolumeMl: 5 },
  affectedHemisphere: 'left',
  referenceCbf: 45,
};

const motion: MotionReport = {
  method: 'in-plane rigid, bone-weighted',
  centreMm: [1, 1, 0],
  timePoints: [],
  maxShiftMm: 0,
  maxRotationDegrees: 0,
  excluded: 0,
};

const quality: PerfusionQuality = {
  confidence: 'high',
  problems: [],
  venousEndFraction: 0.1,
  bolusTruncated: false,
  usableBrainFraction: 0.9,
  arterialLocationsMm: [],
  venousLocationsMm: [],
};

describe(assembleResult.name, () => {
  const result = assembleResult(grid, vascular, maps, lesions, ['a warning'], { prepare: 0.5 }, motion, quality);

  it('writes the summary of the contract: volumes, mismatch figures, verdicts, side and reference', () => {
    expect(result.summary).toEqual({
      coreVolumeMl: 10,
      hypoperfusionVolumeMl: 50,
      tmax10VolumeMl: 5,
      mismatchVolumeMl: 40,
      mismatchRatio: 5,
      hypoperfusionIntensityRatio: 0.1,
      affectedHemisphere: 'left',
      eligibility: { defuse3: true, extend: true },
      referenceCbf: 45,
      warnings: ['a warning'],
    });
    expect(result.timings).toEqual({ prepare: 0.5 });
  });

  it('copies each map back onto the source grid, block by block', () => {
    expect(result.maps).toMatchObject({ columns: 4, rows: 4, slices: 1 });
    // analysis voxel (bx, by) covers source pixels x in [2 bx, 2 bx + 1], y likewise
    const block = (x: number, y: number) => (y >> 1) * 2 + (x >> 1);
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const i = y * 4 + x;
        expect(result.maps.cbf[i]).toBe(maps.cbf[block(x, y)]);
        expect(result.maps.tmax[i]).toBe(maps.tmax[block(x, y)]);
        expect(result.maps.rcbf[i]).toBe(lesions.rcbf[block(x, y)]);
        expect(result.maps.brainMask[i]).toBe(maps.tissue[block(x, y)]);
        expect(result.maps.coreMask[i]).toBe(lesions.core[block(x, y)]);
      }
    expect(result.maps.coreMask).toBeInstanceOf(Uint8Array);
    expect(result.maps.mtt).toBeInstanceOf(Float32Array);
  });

  it('gives the AIF for audit, and an empty VOF when none was found', () => {
    expect(result.arterialInputFunction).toEqual({ timesSeconds: Array.from(volume.timesSeconds), values: Array.from(vascular.arterial), voxelCount: 2 });
    expect(result.venousOutputFunction).toEqual({ timesSeconds: Array.from(volume.timesSeconds), values: [], voxelCount: 0 });
  });
});
