import { resizeAreaTable, resizeLinearTable, resizeNearestTable, sampleAxis, sampleSpatial, tableFromCoordinates } from './axis-sampling';

const sample = (values: number[], table: Parameters<typeof sampleAxis>[4]) => Array.from(sampleAxis(Float32Array.from(values), 1, values.length, 1, table));

describe(sampleAxis.name, () => {
  it('resizes linearly with half-pixel centres, clamped at the edges', () => {
    // 4 -> 2: p = (i + 0.5) * 2 - 0.5 = 0.5, 2.5
    expect(sample([0, 1, 2, 3], resizeLinearTable(4, 2))).toEqual([0.5, 2.5]);
    // 2 -> 4: p = (i + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    expect(sample([10, 20], resizeLinearTable(2, 4))).toEqual([10, 12.5, 17.5, 20]);
  });

  it('takes floor(i n / m) for nearest and the box mean for area', () => {
    expect(sample([0, 1, 2, 3, 4, 5], resizeNearestTable(6, 4))).toEqual([0, 1, 3, 4]);
    // 5 -> 2: [0, 3) and [2, 5)
    expect(sample([1, 2, 3, 4, 5], resizeAreaTable(5, 2))).toEqual([2, 4]);
    // 2 -> 3 (upsampling): [0,1) [0,2) [1,2)
    expect(sample([3, 9], resizeAreaTable(2, 3))).toEqual([3, 6, 9]);
  });

  it('marks positions beyond half a voxel of the input as outside', () => {
    const table = tableFromCoordinates(5, 3, (j) => j - 1, 'linear', { fill: -7 });
    expect(sample([1, 2, 3], table)).toEqual([-7, 1, 2, 3, -7]);
    const half = tableFromCoordinates(2, 3, (j) => (j === 0 ? -0.5 : 2.5), 'nearest', { fill: -1 });
    expect(sample([1, 2, 3], half)).toEqual([1, 3]);
  });

  it('runs along any axis of a [d, h, w] grid and composes into bilinear interpolation', () => {
    // 2 x 2 -> 3 x 3 with linear coordinates 0, 0.5, 1 on both axes: the centre is the mean of the four
    const grid = Float32Array.from([0, 10, 20, 30]);
    const t = tableFromCoordinates(3, 2, (i) => i / 2, 'linear');
    const { data, dims } = sampleSpatial(grid, 1, [1, 2, 2], [undefined, t, t]);
    expect(dims).toEqual([1, 3, 3]);
    expect(Array.from(data)).toEqual([0, 5, 10, 10, 15, 20, 20, 25, 30]);
  });
});
