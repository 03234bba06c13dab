import { removeSmallClusters } from './connected-clusters';

describe(removeSmallClusters.name, () => {
  it('removes specks and keeps clusters connected in plane (8-neighbours) and through slices', () => {
    const C = 6;
    const R = 6;
    const S = 2;
    const mask = new Uint8Array(C * R * S);
    const at = (x: number, y: number, z: number) => (z * R + y) * C + x;
    // a diagonal chain of 3 in slice 0 continued through slice 1 (4 voxels)
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [2, 2],
    ])
      mask[at(x, y, 0)] = 1;
    mask[at(2, 2, 1)] = 1;
    // an isolated speck of 2
    mask[at(5, 5, 0)] = 1;
    mask[at(5, 4, 0)] = 1;
    const kept = removeSmallClusters(mask, C, R, S, 3);
    expect(kept).toBe(4);
    expect(mask[at(5, 5, 0)]).toBe(0);
    expect(mask[at(2, 2, 1)]).toBe(1);
  });
});
