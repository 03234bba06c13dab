import { dropTimePoints } from './drop-time-points';
import type { Volume4D } from './volume4d';

describe(dropTimePoints.name, () => {
  // 4 time points x 2 slices of 1x2 pixels, each value 10 t + its index within the time point
  const volume: Volume4D = {
    data: Float32Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4)),
    columns: 2,
    rows: 1,
    slices: 2,
    timePoints: 4,
    timesSeconds: Float64Array.from([0, 1.5, 3.5, 5]),
    spacingMm: [1, 1, 5],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: [
      [0, 0, 0],
      [0, 0, 5],
    ],
    SOPInstanceUIDs: [
      ['1.0', '1.1'],
      ['2.0', '2.1'],
      ['3.0', '3.1'],
      ['4.0', '4.1'],
    ],
  };

  it('keeps the other time points whole, with their own times and images', () => {
    const out = dropTimePoints(volume, new Set([2]));
    expect(out.timePoints).toBe(3);
    expect(Array.from(out.data)).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 30, 31, 32, 33]);
    expect(Array.from(out.timesSeconds)).toEqual([0, 1.5, 5]);
    expect(out.SOPInstanceUIDs).toEqual([volume.SOPInstanceUIDs[0], volume.SOPInstanceUIDs[1], volume.SOPInstanceUIDs[3]]);
  });

  it('counts the times from the first time point kept', () => {
    const out = dropTimePoints(volume, new Set([0]));
    expect(Array.from(out.timesSeconds)).toEqual([0, 2, 3.5]);
    expect(out.data[0]).toBe(10);
  });
});
