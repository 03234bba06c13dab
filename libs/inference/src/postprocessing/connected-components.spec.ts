import { boundingBox, connectedComponents, labelAt, removeSmallComponents } from './connected-components';

const grid = (rows: string[]) =>
  Uint8Array.from(
    rows
      .join('')
      .split('')
      .map((c) => (c === '#' ? 1 : 0)),
  );

describe(connectedComponents.name, () => {
  it('counts diagonal neighbours only with full connectivity', () => {
    const mask = grid(['#..', '.#.', '..#']);
    expect(connectedComponents(mask, [1, 3, 3], 'face').sizes.slice(1)).toEqual([1, 1, 1]);
    expect(connectedComponents(mask, [1, 3, 3], 'full').sizes.slice(1)).toEqual([3]);
  });

  it('joins slices in 3D', () => {
    const mask = Uint8Array.from([1, 0, 0, 0, /* slice 1 */ 1, 0, 0, 1, /* slice 2 */ 0, 0, 0, 1]);
    const c = connectedComponents(mask, [3, 2, 2], 'face');
    expect(c.sizes.slice(1)).toEqual([2, 2]);
    expect(labelAt(c, 0, 0, 0)).toBe(labelAt(c, 1, 0, 0));
    expect(labelAt(c, 1, 1, 1)).toBe(labelAt(c, 2, 1, 1));
    expect(labelAt(c, 0, 0, 0)).not.toBe(labelAt(c, 1, 1, 1));
    expect(c.box).toEqual({ z0: 0, z1: 3, y0: 0, y1: 2, x0: 0, x1: 2 });
    expect(connectedComponents(mask, [3, 2, 2], 'full').sizes.slice(1)).toEqual([4]);
  });

  it('removes components under the minimum size and keeps the rest whole', () => {
    const mask = grid(['##...', '##..#', '.....', '...##']);
    const { mask: kept, kept: labels } = removeSmallComponents(mask, [1, 4, 5], 'face', 2);
    expect(Array.from(kept)).toEqual(Array.from(grid(['##...', '##...', '.....', '...##'])));
    expect(labels).toHaveLength(2);
  });

  it('labels inside the bounding box of the mask', () => {
    const mask = new Uint8Array(4 * 5 * 6);
    mask[(1 * 5 + 2) * 6 + 3] = 1;
    mask[(2 * 5 + 4) * 6 + 1] = 1;
    expect(boundingBox(mask, [4, 5, 6])).toEqual({ z0: 1, z1: 3, y0: 2, y1: 5, x0: 1, x1: 4 });
    expect(boundingBox(new Uint8Array(8), [2, 2, 2])).toEqual({ z0: 0, z1: 0, y0: 0, y1: 0, x0: 0, x1: 0 });
    expect(connectedComponents(new Uint8Array(8), [2, 2, 2], 'full').sizes).toEqual([0]);
  });
});
