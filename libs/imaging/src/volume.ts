import type { DicomDataset } from '@nidus/dicom';
import { decodeFrameInto } from './decode-into';
import { prepareDecoders } from './decode';
import { InconsistentVolumeError } from './imaging.errors';
import { modalityLutOf } from './modality-lut';
import { sameOrientation, sliceGeometryOf, sliceNormal, slicePosition, type Orientation, type SliceGeometry, type Vec3 } from './slice-geometry';

export interface SortedSlice<T> {
  item: T;
  geometry: SliceGeometry;
  /** position along the slice normal, mm */
  position: number;
}

/** Sorts images along the slice normal (ImageOrientationPatient row x column, dotted with ImagePositionPatient). */
export function sortSlices(datasets: readonly DicomDataset[]): SortedSlice<DicomDataset>[] {
  if (datasets.length === 0) return [];
  const first = sliceGeometryOf(datasets[0]);
  const normal = sliceNormal(first.ImageOrientationPatient);
  return datasets
    .map((item) => {
      const geometry = sliceGeometryOf(item);
      return { item, geometry, position: slicePosition(geometry, normal) };
    })
    .sort((a, b) => a.position - b.position);
}

export interface StackOptions {
  /** relative tolerance on slice gaps; default 0.05 (5 %) */
  gapTolerance?: number;
}

function signature(g: SliceGeometry): string {
  return [g.Rows, g.Columns, ...g.PixelSpacing.map((v) => v.toFixed(3)), ...g.ImageOrientationPatient.map((v) => v.toFixed(3))].join('/');
}

/**
 * Splits images into stacks that each form one volume: same orientation, size and pixel spacing, distinct
 * positions with uniform gaps. A gap change or a repeated position starts a new stack.
 */
export function splitIntoStacks(datasets: readonly DicomDataset[], options: StackOptions = {}): DicomDataset[][] {
  const tolerance = options.gapTolerance ?? 0.05;
  const byKind = new Map<string, DicomDataset[]>();
  for (const ds of datasets) {
    const key = signature(sliceGeometryOf(ds));
    byKind.set(key, [...(byKind.get(key) ?? []), ds]);
  }
  const stacks: DicomDataset[][] = [];
  for (const group of byKind.values()) {
    const sorted = sortSlices(group);
    let current: SortedSlice<DicomDataset>[] = [];
    let gap: number | undefined;
    for (const s of sorted) {
      if (current.length === 0) {
        current.push(s);
        continue;
      }
      const d = s.position - current[current.length - 1].position;
      const fits = d > 1e-3 && (gap === undefined || Math.abs(d - gap) <= Math.max(0.01, tolerance * gap));
      if (fits) {
        gap ??= d;
        current.push(s);
      } else {
        stacks.push(current.map((c) => c.item));
        current = [s];
        gap = undefined;
      }
    }
    if (current.length) stacks.push(current.map((c) => c.item));
  }
  return stacks;
}

/** The voxel-to-patient affine (PS3.3 C.7.6.2.1.1 equation, extended along the normal by the slice spacing). */
export function volumeAffine(orientation: Orientation, origin: Vec3, spacingMm: [number, number, number]): number[] {
  const row: Vec3 = [orientation[0], orientation[1], orientation[2]];
  const col: Vec3 = [orientation[3], orientation[4], orientation[5]];
  const n = sliceNormal(orientation);
  const [dx, dy, dz] = spacingMm;
  return [
    row[0] * dx,
    col[0] * dy,
    n[0] * dz,
    origin[0],
    row[1] * dx,
    col[1] * dy,
    n[1] * dz,
    origin[1],
    row[2] * dx,
    col[2] * dy,
    n[2] * dz,
    origin[2],
    0,
    0,
    0,
    1,
  ];
}

/** Patient coordinates (LPS mm) of a voxel (x column, y row, z slice). */
export function voxelToPatient(affine: number[], x: number, y: number, z: number): Vec3 {
  return [
    affine[0] * x + affine[1] * y + affine[2] * z + affine[3],
    affine[4] * x + affine[5] * y + affine[6] * z + affine[7],
    affine[8] * x + affine[9] * y + affine[10] * z + affine[11],
  ];
}

/** The geometry of a stack of slices sorted along the normal (`sortSlices`), checked to form one volume. */
export interface StackGeometry {
  columns: number;
  rows: number;
  slices: number;
  /** [column spacing, row spacing, slice spacing] mm */
  spacingMm: [number, number, number];
  ImageOrientationPatient: Orientation;
  /** ImagePositionPatient of the first slice (voxel 0, 0, 0) */
  origin: Vec3;
}

/** A 3D volume in modality units, index (z * rows + y) * columns + x, z along the slice normal. */
export interface Volume3D extends StackGeometry {
  data: Float32Array;
  /** 4x4 row-major voxel (x, y, z, 1) to patient LPS mm */
  affine: number[];
}

/**
 * Checks that sorted slices form one volume and returns its geometry. Throws InconsistentVolumeError when
 * orientation, size, spacing or slice gaps disagree (use splitIntoStacks to separate them first).
 */
export function stackGeometry(sorted: readonly SortedSlice<DicomDataset>[], options: StackOptions = {}): StackGeometry {
  if (sorted.length === 0) throw new InconsistentVolumeError('no images');
  const first = sorted[0].geometry;
  for (const s of sorted) {
    const g = s.geometry;
    if (!sameOrientation(g.ImageOrientationPatient, first.ImageOrientationPatient))
      throw new InconsistentVolumeError('slices have different ImageOrientationPatient');
    if (g.Rows !== first.Rows || g.Columns !== first.Columns)
      throw new InconsistentVolumeError(`slices have different sizes: ${g.Columns}x${g.Rows} and ${first.Columns}x${first.Rows}`);
    if (Math.abs(g.PixelSpacing[0] - first.PixelSpacing[0]) > 1e-3 || Math.abs(g.PixelSpacing[1] - first.PixelSpacing[1]) > 1e-3)
      throw new InconsistentVolumeError('slices have different PixelSpacing');
  }
  let spacing: number;
  if (sorted.length > 1) {
    const gaps = sorted.slice(1).map((s, i) => s.position - sorted[i].position);
    spacing = (sorted[sorted.length - 1].position - sorted[0].position) / (sorted.length - 1);
    const tolerance = options.gapTolerance ?? 0.05;
    if (gaps.some((g) => g < 1e-3)) throw new InconsistentVolumeError('two slices share a position');
    if (gaps.some((g) => Math.abs(g - spacing) > Math.max(0.01, tolerance * spacing))) {
      throw new InconsistentVolumeError(`slice gaps are not uniform: ${gaps.map((g) => g.toFixed(3)).join(', ')} mm`);
    }
  } else {
    spacing = sorted[0].item.number('SpacingBetweenSlices') ?? sorted[0].item.number('SliceThickness') ?? 1;
  }
  return {
    columns: first.Columns,
    rows: first.Rows,
    slices: sorted.length,
    spacingMm: [first.PixelSpacing[1], first.PixelSpacing[0], spacing],
    ImageOrientationPatient: [...first.ImageOrientationPatient] as Orientation,
    origin: [...first.ImagePositionPatient] as Vec3,
  };
}

/**
 * One volume from single-frame images in any order, in modality units. Throws InconsistentVolumeError when
 * orientation, size, spacing or slice gaps disagree (use splitIntoStacks to separate them first).
 * Compressed images need their codec loaded (`prepareDecoders`, or `loadVolume`).
 */
export function buildVolume(datasets: readonly DicomDataset[], options: StackOptions = {}): Volume3D {
  if (datasets.length === 0) throw new InconsistentVolumeError('no images');
  const sorted = sortSlices(datasets);
  const g = stackGeometry(sorted, options);
  const frame = g.rows * g.columns;
  const data = new Float32Array(frame * sorted.length);
  sorted.forEach((s, z) => decodeFrameInto(s.item, 0, data, z * frame, modalityLutOf(s.item)));
  return { data, ...g, affine: volumeAffine(g.ImageOrientationPatient, g.origin, g.spacingMm) };
}

/** `buildVolume` after loading the codecs the images need. */
export async function loadVolume(datasets: readonly DicomDataset[], options: StackOptions = {}): Promise<Volume3D> {
  await prepareDecoders(datasets);
  return buildVolume(datasets, options);
}

/**
 * Resamples a volume to new voxel spacing by trilinear interpolation, on the same axes and origin.
 * Samples outside the volume take the nearest edge value.
 */
export function resampleVolume(volume: Volume3D, spacingMm: [number, number, number]): Volume3D {
  const [sx, sy, sz] = volume.spacingMm;
  const size = (n: number, from: number, to: number) => Math.max(1, Math.floor(((n - 1) * from) / to + 1e-6) + 1);
  const columns = size(volume.columns, sx, spacingMm[0]);
  const rows = size(volume.rows, sy, spacingMm[1]);
  const slices = size(volume.slices, sz, spacingMm[2]);
  const out = new Float32Array(columns * rows * slices);
  const src = volume.data;
  const C = volume.columns,
    R = volume.rows,
    S = volume.slices;
  const axis = (i: number, step: number, from: number, n: number): [number, number, number] => {
    const p = Math.min(Math.max((i * step) / from, 0), n - 1);
    const i0 = Math.floor(p);
    const i1 = Math.min(i0 + 1, n - 1);
    return [i0, i1, p - i0];
  };
  const xs = Array.from({ length: columns }, (_, i) => axis(i, spacingMm[0], sx, C));
  for (let z = 0; z < slices; z++) {
    const [z0, z1, fz] = axis(z, spacingMm[2], sz, S);
    for (let y = 0; y < rows; y++) {
      const [y0, y1, fy] = axis(y, spacingMm[1], sy, R);
      for (let x = 0; x < columns; x++) {
        const [x0, x1, fx] = xs[x];
        const at = (zz: number, yy: number, xx: number) => src[(zz * R + yy) * C + xx];
        const c00 = at(z0, y0, x0) * (1 - fx) + at(z0, y0, x1) * fx;
        const c01 = at(z0, y1, x0) * (1 - fx) + at(z0, y1, x1) * fx;
        const c10 = at(z1, y0, x0) * (1 - fx) + at(z1, y0, x1) * fx;
        const c11 = at(z1, y1, x0) * (1 - fx) + at(z1, y1, x1) * fx;
        out[(z * rows + y) * columns + x] = (c00 * (1 - fy) + c01 * fy) * (1 - fz) + (c10 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return { ...volume, data: out, columns, rows, slices, spacingMm, affine: volumeAffine(volume.ImageOrientationPatient, volume.origin, spacingMm) };
}
