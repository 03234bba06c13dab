import type { GridGeometry } from './analysis-grid';
import { mttMap, smoothMaps } from './map-smoothing.stage';

// 9 x 9 pixels of 1 mm, one slice; tissue everywhere but the first column
const C = 9;
const geometry: GridGeometry = { columns: C, rows: C, slices: 1, spacingMm: [1, 1, 5], voxelVolumeMl: 0.005 };
const tissue = Uint8Array.from({ length: C * C }, (_, i) => (i % C === 0 ? 0 : 1));
const off = { tmaxMedianMm: 0, tmaxSmoothMm: 0, tmaxSmoothRangeSeconds: 3, cbfSmoothMm: 0, cbfSmoothTmaxSeconds: 2 };
const mapOf = (f: (x: number, y: number) => number) => Float32Array.from({ length: C * C }, (_, i) => f(i % C, Math.floor(i / C)));

describe(smoothMaps.name, () => {
  it('removes an isolated Tmax spike with the median and keeps a step edge where it is', () => {
    // Tmax 2 s left of x = 5, 12 s from it, and one 30 s voxel at (2, 4)
    const tmax = mapOf((x, y) => (x === 2 && y === 4 ? 30 : x < 5 ? 2 : 12));
    const out = smoothMaps(new Float32Array(C * C), tmax, tissue, geometry, { ...off, tmaxMedianMm: 1 });
    for (let y = 0; y < C; y++)
      for (let x = 1; x < C; x++) {
        // the 3 x 3 window of any voxel holds at most one spike and a majority of its own side
        expect(out.tmax[y * C + x]).toBe(x < 5 ? 2 : 12);
      }
  });

  it('never reaches outside the tissue, and leaves voxels outside it as they were', () => {
    const tmax = mapOf((x) => (x === 0 ? 99 : 2));
    const out = smoothMaps(new Float32Array(C * C), tmax, tissue, geometry, { ...off, tmaxMedianMm: 2, tmaxSmoothMm: 2 });
    for (let i = 0; i < C * C; i++) expect(out.tmax[i]).toBeCloseTo(i % C === 0 ? 99 : 2, 5);
  });

  it('averages CBF only over neighbours of similar Tmax: two territories stay apart', () => {
    const tmax = mapOf((x) => (x < 5 ? 2 : 12));
    const cbf = mapOf((x) => (x < 5 ? 50 : 10));
    const out = smoothMaps(cbf, tmax, tissue, geometry, { ...off, cbfSmoothMm: 2 });
    for (let i = 0; i < C * C; i++) if (tissue[i]) expect(out.cbf[i]).toBeCloseTo(i % C < 5 ? 50 : 10, 3);
  });

  it('averages noisy Tmax within a territory towards its mean', () => {
    const tmax = mapOf((x, y) => 4 + ((x + y) % 2 ? 0.5 : -0.5));
    const out = smoothMaps(new Float32Array(C * C), tmax, tissue, geometry, { ...off, tmaxSmoothMm: 2 });
    expect(Math.abs(out.tmax[4 * C + 4] - 4)).toBeLessThan(0.1);
  });

  it('with every filter off returns the maps unchanged, and never changes its inputs', () => {
    const tmax = mapOf((x, y) => x + y);
    const cbf = mapOf((x, y) => 2 * x + y);
    const copies = [Float32Array.from(tmax), Float32Array.from(cbf)];
    const out = smoothMaps(cbf, tmax, tissue, geometry, off);
    expect(out.tmax).toEqual(copies[0]);
    expect(out.cbf).toEqual(copies[1]);
    smoothMaps(cbf, tmax, tissue, geometry, { ...off, tmaxMedianMm: 2, tmaxSmoothMm: 2, cbfSmoothMm: 2 });
    expect([tmax, cbf]).toEqual(copies);
  });
});

describe(mttMap.name, () => {
  it('is 60 CBV / CBF in seconds at the given voxels, 0 where there is no flow and elsewhere', () => {
    const cbf = Float32Array.from([60, 0, 30, 50]);
    const cbv = Float32Array.from([4, 3, 3, 5]);
    expect(Array.from(mttMap(cbf, cbv, [0, 1, 2]))).toEqual([4, 0, 6, 0]);
  });
});
