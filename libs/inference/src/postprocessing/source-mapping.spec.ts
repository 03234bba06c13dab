import { SeededRandom } from '@nidus/testing';
import { preprocessingStepSchema } from '../manifest/preprocessing-step.schema';
import { applyStep, sourceGrid } from '../preprocessing/preprocess';
import type { Grid } from '../preprocessing/grid';
import { sourceFixture } from '../test/model-source.fixture';
import { mapToSource, regionAtLeast } from './source-mapping';

function forward(stored: Float32Array, dims: [number, number, number], steps: object[]): Grid {
  const source = sourceFixture({
    stored,
    rows: dims[1],
    columns: dims[2],
    slices: dims[0],
    spacingMm: [0.8, 0.9, 3],
    ImageOrientationPatient: [0, 1, 0, 0, 0, -1],
  });
  return steps.reduce<Grid>((g, s) => applyStep(g, preprocessingStepSchema.parse(s), { modelId: 't', source }), sourceGrid(source, 0, dims[0]));
}

describe(mapToSource.name, () => {
  const dims: [number, number, number] = [6, 10, 12];
  const mask = new Float32Array(6 * 10 * 12);
  for (let z = 1; z < 5; z++) for (let y = 2; y < 8; y++) for (let x = 3; x < 9; x++) mask[(z * 10 + y) * 12 + x] = 1;

  it('undoes orient, crop and pad exactly (nearest)', () => {
    const g = forward(mask, dims, [
      { op: 'orient', to: 'RAS' },
      { op: 'cropOrPad', shape: [8, 9, 5] },
    ]);
    const back = mapToSource(g.data, g.dims, g.maps, dims, 'nearest', -1);
    // sagittal images: RAS takes the normal (toward R), then the row direction (P, flipped) and the column
    // direction (I, flipped): a grid of 6 x 12 x 10 voxels, padded to 8, cropped to 9 and 5
    expect(g.dims).toEqual([8, 9, 5]);
    let kept = 0;
    for (let i = 0; i < mask.length; i++) {
      if (back[i] === -1) continue;
      kept++;
      expect(back[i]).toBe(mask[i]);
    }
    expect(kept).toBe(6 * 9 * 5);
  });

  it('brings a resized and resampled mask back onto its voxels (threshold at one half)', () => {
    const g = forward(mask, dims, [
      { op: 'resample', spacingMm: [2, 1.5, 1.1] },
      { op: 'resize', shape: [5, 7, 9] },
    ]);
    const back = mapToSource(g.data, g.dims, g.maps, dims, 'linear', 0);
    let wrong = 0;
    for (let i = 0; i < mask.length; i++) if (back[i] >= 0.5 !== mask[i] >= 0.5) wrong++;
    expect(wrong / mask.reduce((a, b) => a + b, 0)).toBeLessThan(0.25);
  });

  it('maps a region exactly as the whole, and regionAtLeast keeps every voxel that reaches the level', () => {
    const random = new SeededRandom(4);
    const values = Float32Array.from({ length: 3 * 8 * 8 }, () => random.next() * 0.6);
    values[(1 * 8 + 5) * 8 + 2] = 0.95;
    const maps = [
      { source: 0 as const, scale: 0.5, offset: 0.2 },
      { source: 2 as const, scale: -0.4, offset: 7.1 },
      { source: 1 as const, scale: 0.3, offset: -0.35 },
    ] as Grid['maps'];
    const source: [number, number, number] = [7, 25, 19];
    const whole = mapToSource(values, [3, 8, 8], maps, source, 'linear', 0);
    const region = regionAtLeast(values, [3, 8, 8], maps, source, 0.7)!;
    const part = mapToSource(values, [3, 8, 8], maps, source, 'linear', 0, region);
    const [[z0, z1], [y0, y1], [x0, x1]] = region;
    let k = 0;
    for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) expect(part[k++]).toBe(whole[(z * 25 + y) * 19 + x]);
    for (let z = 0; z < 7; z++)
      for (let y = 0; y < 25; y++)
        for (let x = 0; x < 19; x++) {
          const inside = z >= z0 && z < z1 && y >= y0 && y < y1 && x >= x0 && x < x1;
          if (!inside) expect(whole[(z * 25 + y) * 19 + x]).toBeLessThan(0.7);
        }
    expect(regionAtLeast(values, [3, 8, 8], maps, source, 0.99)).toBeUndefined();
  });
});
