import type { Geometry4D, Volume4D } from '@nidus/imaging';

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
  /** the source series' layout (its pixels are not kept: only the binning reads them) */
  source: Geometry4D;
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

/**
 * Block-averages a series frame by frame into the analysis grid, so the full-resolution volume need never
 * be whole in memory: each (t, z) frame is reduced as it is decoded. Every block lies in one frame, so the
 * grid is the same whichever way the frames arrive.
 */
export class AnalysisGridBuilder {
  readonly columns: number;
  readonly rows: number;
  private readonly hu: Float32Array;
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;

  constructor(
    private readonly source: Geometry4D,
    private readonly factor: number,
  ) {
    this.columns = Math.ceil(source.columns / factor);
    this.rows = Math.ceil(source.rows / factor);
    this.hu = new Float32Array(this.columns * this.rows * source.slices * source.timePoints);
    this.sums = new Float64Array(this.columns);
    this.counts = new Float64Array(this.columns);
  }

  /** Adds frame (t, z): rows x columns pixels of the source, from `offset` in `data`. */
  addFrame(t: number, z: number, data: Float32Array, offset = 0): void {
    const { columns: C, rows: R, timePoints: T } = this.source;
    const { factor, columns, rows, hu, sums, counts } = this;
    for (let by = 0; by < rows; by++) {
      sums.fill(0);
      counts.fill(0);
      const yEnd = Math.min(R, (by + 1) * factor);
      // per block: rows top to bottom, each left to right (the order of the sum is part of the answer)
      for (let y = by * factor; y < yEnd; y++) {
        const rowOffset = offset + y * C;
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

  /** The grid of the frames added (a frame never added stays 0). */
  grid(): AnalysisGrid {
    const { source, factor } = this;
    const spacingMm: [number, number, number] = [source.spacingMm[0] * factor, source.spacingMm[1] * factor, source.spacingMm[2]];
    return {
      factor,
      columns: this.columns,
      rows: this.rows,
      slices: source.slices,
      timePoints: source.timePoints,
      timesSeconds: source.timesSeconds,
      spacingMm,
      voxelVolumeMl: (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000,
      hu: this.hu,
      source,
    };
  }
}

/** The geometry of a volume, without its pixels (what the grid keeps of its source). */
export function geometryOf(volume: Volume4D): Geometry4D {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { data, ...geometry } = volume;
  return geometry;
}

export function buildAnalysisGrid(volume: Volume4D, factor: number): AnalysisGrid {
  const builder = new AnalysisGridBuilder(geometryOf(volume), factor);
  const frame = volume.rows * volume.columns;
  for (let t = 0; t < volume.timePoints; t++) {
    for (let z = 0; z < volume.slices; z++) builder.addFrame(t, z, volume.data, (t * volume.slices + z) * frame);
  }
  return builder.grid();
}

/**
 * The grid without some of its time points (images that could not be read): as dropTimePoints of
 * @nidus/imaging does for a volume, the rest keep their times, counted again from the first one kept.
 */
export function dropGridTimePoints(grid: AnalysisGrid, drop: ReadonlySet<number>): AnalysisGrid {
  const T = grid.timePoints;
  const keep = Array.from({ length: T }, (_, t) => t).filter((t) => !drop.has(t));
  const K = keep.length;
  const voxels = grid.columns * grid.rows * grid.slices;
  const hu = new Float32Array(voxels * K);
  for (let v = 0; v < voxels; v++) for (let i = 0; i < K; i++) hu[v * K + i] = grid.hu[v * T + keep[i]];
  const t0 = grid.timesSeconds[keep[0]];
  const timesSeconds = Float64Array.from(keep, (t) => grid.timesSeconds[t] - t0);
  const source: Geometry4D = { ...grid.source, timePoints: K, timesSeconds, SOPInstanceUIDs: keep.map((t) => grid.source.SOPInstanceUIDs[t]) };
  return { ...grid, timePoints: K, timesSeconds, hu, source };
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
