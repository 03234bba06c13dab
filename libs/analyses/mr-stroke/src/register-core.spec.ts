import { resampleMask, type PlacedGrid } from './register-core';

const axial = [1, 0, 0, 0, 1, 0] as PlacedGrid['ImageOrientationPatient'];

function grid(columns: number, pixelMm: number, slices: number, sliceMm: number, origin: [number, number, number]): PlacedGrid {
  return {
    columns,
    rows: columns,
    slices,
    spacingMm: [pixelMm, pixelMm, sliceMm],
    ImageOrientationPatient: axial,
    ImagePositionPatient: Array.from({ length: slices }, (_, z) => [origin[0], origin[1], origin[2] + z * sliceMm] as [number, number, number]),
  };
}

/** A ball of radius r mm centred at c (patient mm) on a grid. */
function ball(g: PlacedGrid, c: [number, number, number], r: number): Uint8Array {
  const mask = new Uint8Array(g.columns * g.rows * g.slices);
  for (let z = 0; z < g.slices; z++)
    for (let y = 0; y < g.rows; y++)
      for (let x = 0; x < g.columns; x++) {
        const p = g.ImagePositionPatient[z];
        const d = Math.hypot(p[0] + x * g.spacingMm[0] - c[0], p[1] + y * g.spacingMm[1] - c[1], p[2] - c[2]);
        if (d <= r) mask[(z * g.rows + y) * g.columns + x] = 1;
      }
  return mask;
}

const volumeMl = (m: Uint8Array, g: PlacedGrid) => (m.reduce((s, v) => s + v, 0) * g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2]) / 1000;

describe(resampleMask.name, () => {
  it('keeps the volume and the place of a region between grids of one frame of reference', () => {
    const diffusion = grid(128, 1.8, 10, 5, [-114.3, -114.3, -22.5]);
    const perfusion = grid(96, 2.4, 10, 5, [-114, -114, -22.5]);
    const core = ball(diffusion, [40, -10, 0], 20);
    const placed = resampleMask(core, diffusion, perfusion);
    expect(Math.abs(volumeMl(placed, perfusion) - volumeMl(core, diffusion)) / volumeMl(core, diffusion)).toBeLessThan(0.1);
    const truth = ball(perfusion, [40, -10, 0], 20);
    let both = 0;
    placed.forEach((m, i) => m && truth[i] && both++);
    expect(both / truth.reduce((s, v) => s + v, 0)).toBeGreaterThan(0.9);
  });

  it('places nothing where the other grid has no slice', () => {
    const diffusion = grid(64, 2, 4, 5, [-64, -64, 0]);
    const perfusion = grid(64, 2, 4, 5, [-64, -64, 40]);
    expect(resampleMask(new Uint8Array(64 * 64 * 4).fill(1), diffusion, perfusion).reduce((s, v) => s + v, 0)).toBe(0);
  });
});
