import { connectedComponents } from './connected-components';
import { largestDiameterMm, volumeMl } from './mask-measurements';

describe(largestDiameterMm.name, () => {
  it('is the longest distance between pixel centres of one component in one slice, with anisotropic spacing', () => {
    // a 3 x 5 rectangle (rows x columns): corners 4 columns and 2 rows apart
    const mask = new Uint8Array(6 * 8);
    for (let y = 1; y < 4; y++) for (let x = 2; x < 7; x++) mask[y * 8 + x] = 1;
    const c = connectedComponents(mask, [1, 6, 8], 'full');
    expect(largestDiameterMm(c, [1], [0.5, 2])).toBeCloseTo(Math.hypot(4 * 0.5, 2 * 2), 10);
  });

  it('takes the largest over slices and components, and is 0 for single pixels', () => {
    const mask = new Uint8Array(2 * 4 * 4);
    mask[0] = 1; // slice 0: one pixel
    mask[16 + 0] = 1; // slice 1: a diagonal pair and a separate row of 3
    mask[16 + 5] = 1;
    mask[16 + 12] = mask[16 + 13] = mask[16 + 14] = 1;
    const c = connectedComponents(mask, [2, 4, 4], 'full');
    expect(largestDiameterMm(c, [1, 2, 3], [1, 1])).toBeCloseTo(2, 10);
    const single = connectedComponents(Uint8Array.from([1]), [1, 1, 1], 'full');
    expect(largestDiameterMm(single, [1], [1, 1])).toBe(0);
  });

  it('measures a digital disc within a pixel of its diameter', () => {
    const n = 101;
    const mask = new Uint8Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if ((x - 50) ** 2 + (y - 50) ** 2 <= 40 ** 2) mask[y * n + x] = 1;
    const c = connectedComponents(mask, [1, n, n], 'full');
    expect(Math.abs(largestDiameterMm(c, [1], [0.7, 0.7]) - 80 * 0.7)).toBeLessThan(0.7);
  });
});

describe(volumeMl.name, () => {
  it('is voxels times the voxel volume in mL', () => {
    expect(volumeMl(1000, [0.5, 0.5, 4])).toBeCloseTo(1, 12);
  });
});
