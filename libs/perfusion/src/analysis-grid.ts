import type { Volume4D } from '@nidus/imaging';

/**
 * The grid the analysis runs on: the source grid, or for fine matrices (512 x 512 at 0.45 mm) a block
 * average of f x f pixels so that pixels are about 1-2 mm, as perfusion software does. Block averaging
 * is also the first, edge-free step of noise reduction. Curves are stored voxel-major: hu[v * T + t].
 */
export interface AnalysisGrid {
  factor: number;
  columns: number;
  rows: number;
  slices: number;
  timePoints: number;
  timesSeconds: Float64Array;
  /** [column spacing, row spacing, slice spacing] mm on this grid */
  spacingMm: [number, number, number];
  voxelVolumeMl: number;
  hu: Float32Array;
  source: Volume4D;
}

/** What the map stages need of the grid: its size and spacing, no curves. */
export type GridGeometry = Pick<AnalysisGrid, 'columns' | 'rows' | 'slices' | 'spacingMm' | 'voxelVolumeMl'>;

/** The larger in-plane spacing, mm: the pixel size the in-plane filters are scaled by. */
export function inPlanePixelMm(geometry: Pick<AnalysisGrid, 'spacingMm'>): number {
  return Math.max(geometry.spacingMm[0], geometry.spacingMm[1]);
}

/** The largest power of two (up to 8) that keeps the in-plane pixel at most maxPixelMm. */
export function binningFactor(spacingMm: readonly [number, number, number], maxPixelMm = 2): number {
  const pixel = Math.max(spacingMm[0], spacingMm[1]);
  let factor = 1;
  while (factor < 8 && pixel * factor * 2 <= maxPixelMm + 1e-9) factor *= 2;
  return factor;
}

export function buildAnalysisGrid(volume: Volume4D, factor: number): AnalysisGrid {
  const { columns: C, rows: R, slices: S, timePoints: T } = volume;
  const columns = Math.ceil(C / factor);
  const rows = Math.ceil(R / factor);
  const voxels = columns * rows * S;
  const hu = new Float32Array(voxels * T);
  const data = volume.data;
  const sums = new Float64Array(columns);
  const counts = new Float64Array(columns);
  for (let t = 0; t < T; t++) {
    for (let z = 0; z < S; z++) {
      const sliceOffset = (t * S + z) * R * C;
      for (let by = 0; by < rows; by++) {
        sums.fill(0);
        counts.fill(0);
        const yEnd = Math.min(R, (by + 1) * factor);
        // per block: rows top to bottom, each left to right (the order of the sum is part of the answer)
        for (let y = by * factor; y < yEnd; y++) {
          const rowOffset = sliceOffset + y * C;
          for (let bx = 0, x0 = 0; bx < columns; bx++, x0 += factor) {
            const x1 = Math.min(C, x0 + factor);
            let sum = sums[bx];
            for (let x = x0; x < x1; x++) sum += data[rowOffset + x];
            sums[bx] = sum;
            counts[bx] += x1 - x0;
          }
        }
        const base = (z * rows + by) * columns;
        for (let bx = 0; bx < columns; bx++) hu[(base + bx) * T + t] = sums[bx] / counts[bx];
      }
    }
  }
  const spacingMm: [number, number, number] = [volume.spacingMm[0] * factor, volume.spacingMm[1] * factor, volume.spacingMm[2]];
  return {
    factor,
    columns,
    rows,
    slices: S,
    timePoints: T,
    timesSeconds: volume.timesSeconds,
    spacingMm,
    voxelVolumeMl: (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000,
    hu,
    source: volume,
  };
}

/** Nearest-neighbour copy of an analysis-grid map back onto the source grid. */
export function toSourceGrid<T extends Float32Array | Uint8Array>(grid: AnalysisGrid, map: T, make: (n: number) => T): T {
  const { columns: C, rows: R, slices: S } = grid.source;
  if (grid.factor === 1) return map;
  const f = grid.factor;
  const out = make(C * R * S);
  for (let z = 0; z < S; z++) {
    for (let y = 0; y < R; y++) {
      const from = (z * grid.rows + ((y / f) | 0)) * grid.columns;
      const to = (z * R + y) * C;
      for (let bx = 0, x0 = 0; x0 < C; bx++, x0 += f) {
        const value = map[from + bx];
        const x1 = Math.min(C, x0 + f);
        for (let x = x0; x < x1; x++) out[to + x] = value;
      }
    }
  }
  return out;
}
