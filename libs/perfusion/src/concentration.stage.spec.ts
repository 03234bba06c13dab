import type { Volume4D } from '@nidus/imaging';
import { buildAnalysisGrid } from './analysis-grid';
import { measureConcentration } from './concentration.stage';

/** 32 voxels in one row: 12 arteries with `artery` as their curve, 20 tissue voxels with `tissue`. */
function gridOf(artery: number[], tissue: number[]) {
  const T = artery.length;
  const columns = 32;
  const data = new Float32Array(columns * T);
  for (let t = 0; t < T; t++) for (let x = 0; x < columns; x++) data[t * columns + x] = x < 12 ? artery[t] : tissue[t];
  const volume: Volume4D = {
    data,
    columns,
    rows: 1,
    slices: 1,
    timePoints: T,
    timesSeconds: Float64Array.from({ length: T }, (_, t) => t),
    spacingMm: [1, 1, 5],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: [[0, 0, 0]],
    SOPInstanceUIDs: [],
  };
  return buildAnalysisGrid(volume, 1);
}

describe(measureConcentration.name, () => {
  // baseline alternating 1 HU about its mean, then the bolus; the artery's first image above 10 % of its rise is frame 4
  const artery = [39, 41, 39, 41, 70, 190, 300, 200, 120, 80, 60, 50, 45, 42];
  const tissue = [29, 31, 29, 31, 31, 33, 36, 38, 37, 35, 33, 32, 31, 30];

  it('takes the frames before arterial arrival as baseline and subtracts their mean', () => {
    const c = measureConcentration(gridOf(artery, tissue));
    expect(c.arrival.arrivalIndex).toBe(4);
    expect(c.arrival.baselineFrames).toBe(4);
    expect(c.baseline[0]).toBeCloseTo(40, 5);
    expect(c.baseline[20]).toBeCloseTo(30, 5);
    const T = artery.length;
    for (let t = 0; t < T; t++) {
      expect(c.curves[0 * T + t]).toBeCloseTo(artery[t] - 40, 4);
      expect(c.curves[20 * T + t]).toBeCloseTo(tissue[t] - 30, 4);
    }
    expect(c.warnings).toEqual([]);
  });

  it('measures the noise of one voxel and frame on the soft-tissue baseline (unbiased variance of 1, -1, 1, -1: 4/3)', () => {
    expect(measureConcentration(gridOf(artery, tissue)).noiseHu).toBeCloseTo(Math.sqrt(4 / 3), 6);
  });

  it('warns when a single image precedes the bolus, and cannot measure the noise then', () => {
    const c = measureConcentration(gridOf(artery.slice(3), tissue.slice(3)));
    expect(c.arrival.baselineFrames).toBe(1);
    expect(c.warnings).toEqual(['only one pre-contrast image: the baseline is noisy']);
    expect(c.noiseHu).toBeNaN();
  });
});
