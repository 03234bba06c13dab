import type { Volume4D } from '@nidus/imaging';
import { MIN_TIME_POINTS, prepareGrid, validatePerfusionVolume } from './grid.stage';
import { NotPerfusionSeriesError } from './perfusion.errors';

/** columns x rows x 1 slice x T; value at (x, y, t) = f(x, y, t). */
function volumeOf(columns: number, rows: number, T: number, pixelMm: number, f: (x: number, y: number, t: number) => number): Volume4D {
  const data = new Float32Array(columns * rows * T);
  for (let t = 0; t < T; t++) for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) data[(t * rows + y) * columns + x] = f(x, y, t);
  return {
    data,
    columns,
    rows,
    slices: 1,
    timePoints: T,
    timesSeconds: Float64Array.from({ length: T }, (_, t) => 2 * t),
    spacingMm: [pixelMm, pixelMm, 5],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: [[0, 0, 0]],
    SOPInstanceUIDs: [],
  };
}

describe(prepareGrid.name, () => {
  it('block-averages 0.5 mm pixels 4 x 4 to 2 mm, each block the mean of its pixels', () => {
    const volume = volumeOf(8, 8, 10, 0.5, (x, y, t) => x + 10 * y + 100 * t);
    const grid = prepareGrid(volume, { maxPixelMm: 2 });
    expect(grid).toMatchObject({ factor: 4, columns: 2, rows: 2, slices: 1, timePoints: 10, spacingMm: [2, 2, 5] });
    expect(grid.voxelVolumeMl).toBeCloseTo(0.02, 12);
    // block (bx, by): mean x = 4 bx + 1.5, mean y = 4 by + 1.5; curves voxel-major
    for (let by = 0; by < 2; by++)
      for (let bx = 0; bx < 2; bx++)
        for (let t = 0; t < 10; t++) expect(grid.hu[(by * 2 + bx) * 10 + t]).toBeCloseTo(4 * bx + 1.5 + 10 * (4 * by + 1.5) + 100 * t, 3);
  });

  it('bins no further than maxPixelMm allows', () => {
    const volume = volumeOf(8, 8, 10, 0.5, () => 0);
    expect(prepareGrid(volume, { maxPixelMm: 1 }).factor).toBe(2);
    expect(prepareGrid(volume, { maxPixelMm: 0.5 }).factor).toBe(1);
  });
});

describe(validatePerfusionVolume.name, () => {
  const good = () => volumeOf(4, 4, MIN_TIME_POINTS, 1, () => 0);

  it('accepts a well-formed series', () => {
    expect(() => validatePerfusionVolume(good())).not.toThrow();
  });

  it.each<[string, (v: Volume4D) => Volume4D, RegExp]>([
    ['too few time points', () => volumeOf(4, 4, MIN_TIME_POINTS - 1, 1, () => 0), /9 time points/],
    ['data of the wrong size', (v) => ({ ...v, data: v.data.subarray(1) }), /data holds 159 values/],
    ['a time per time point missing', (v) => ({ ...v, timesSeconds: v.timesSeconds.subarray(1) }), /9 times for 10 time points/],
    [
      'times that do not increase',
      (v) => ({ ...v, timesSeconds: Float64Array.from(v.timesSeconds, (t, i) => (i === 4 ? 6 : t)) }),
      /do not increase at time point 4/,
    ],
    ['a zero spacing', (v) => ({ ...v, spacingMm: [1, 0, 5] }), /invalid spacing 1\\0\\5 mm/],
  ])('refuses %s with NotPerfusionSeriesError', (_, spoil, reason) => {
    const volume = spoil(good());
    expect(() => validatePerfusionVolume(volume)).toThrow(NotPerfusionSeriesError);
    expect(() => validatePerfusionVolume(volume)).toThrow(reason);
  });
});
