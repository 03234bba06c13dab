import { percentile } from './adc-map';
import { NoBrainError } from './diffusion.errors';

/** Free water: CSF has an ADC about 3e-3 mm^2/s; a voxel above this is CSF (or mostly CSF), not brain tissue. */
export const CSF_ADC = 1.5e-3;
/** Foreground of the b = 0 image: above this fraction of its 99th percentile (the skull and air stay below it). */
export const FOREGROUND_FRACTION = 0.15;

export interface DiffusionGeometry {
  columns: number;
  rows: number;
  slices: number;
  /** [column spacing, row spacing, slice spacing] mm */
  spacingMm: [number, number, number];
}

export interface DiffusionBrain {
  /** inside the skull: the largest connected foreground, holes filled slice by slice */
  intracranial: Uint8Array;
  /** brain tissue: intracranial, eroded by one voxel in plane, without CSF (ADC >= CSF_ADC) and background (ADC 0) */
  tissue: Uint8Array;
  tissueVolumeMl: number;
}

/** The largest 6-connected component of a mask, as a new mask. */
function largestComponent(mask: Uint8Array, { columns: C, rows: R, slices: S }: DiffusionGeometry): Uint8Array {
  const label = new Int32Array(mask.length);
  let best = 0;
  let bestSize = 0;
  let next = 0;
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start]) continue;
    const id = ++next;
    let size = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const x = p % C;
      const y = ((p / C) | 0) % R;
      const z = (p / (C * R)) | 0;
      const visit = (q: number) => {
        if (mask[q] && !label[q]) ((label[q] = id), stack.push(q));
      };
      if (x > 0) visit(p - 1);
      if (x < C - 1) visit(p + 1);
      if (y > 0) visit(p - C);
      if (y < R - 1) visit(p + C);
      if (z > 0) visit(p - C * R);
      if (z < S - 1) visit(p + C * R);
    }
    if (size > bestSize) ((bestSize = size), (best = id));
  }
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (label[i] === best && best) out[i] = 1;
  return out;
}

/** Fills each slice's holes: what a 4-connected flood from the slice border does not reach is inside. */
function fillHoles(mask: Uint8Array, { columns: C, rows: R, slices: S }: DiffusionGeometry): void {
  const outside = new Uint8Array(C * R);
  const stack: number[] = [];
  for (let z = 0; z < S; z++) {
    const off = z * C * R;
    outside.fill(0);
    const push = (p: number) => {
      if (!outside[p] && !mask[off + p]) ((outside[p] = 1), stack.push(p));
    };
    for (let x = 0; x < C; x++) (push(x), push((R - 1) * C + x));
    for (let y = 0; y < R; y++) (push(y * C), push(y * C + C - 1));
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % C;
      if (x > 0) push(p - 1);
      if (x < C - 1) push(p + 1);
      if (p >= C) push(p - C);
      if (p < (R - 1) * C) push(p + C);
    }
    for (let p = 0; p < C * R; p++) if (!outside[p]) mask[off + p] = 1;
  }
}

/**
 * The brain on a diffusion acquisition. The foreground is the b = 0 image above FOREGROUND_FRACTION of its 99th
 * percentile (or, with only the scanner's ADC map, where the map is non-zero); the skull is dark on both, so the
 * largest connected foreground is the intracranial space (scalp, separated by the skull, is left out). Tissue is
 * that space, one voxel in from its edge (partial volume with the skull), without CSF (ADC >= 1.5e-3 mm^2/s).
 */
export function findDiffusionBrain(geometry: DiffusionGeometry, adc: Float32Array, b0: Float32Array | null, minBrainMl = 30): DiffusionBrain {
  const { columns: C, rows: R, slices: S } = geometry;
  const n = C * R * S;
  const foreground = new Uint8Array(n);
  if (b0) {
    const threshold = FOREGROUND_FRACTION * percentile(b0, 0.99);
    for (let i = 0; i < n; i++) foreground[i] = b0[i] > threshold ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) foreground[i] = adc[i] > 0 ? 1 : 0;
  }
  const intracranial = largestComponent(foreground, geometry);
  fillHoles(intracranial, geometry);
  const tissue = new Uint8Array(n);
  let count = 0;
  for (let z = 0; z < S; z++)
    for (let y = 1; y < R - 1; y++)
      for (let x = 1; x < C - 1; x++) {
        const i = (z * R + y) * C + x;
        if (!intracranial[i] || !intracranial[i - 1] || !intracranial[i + 1] || !intracranial[i - C] || !intracranial[i + C]) continue;
        if (!(adc[i] > 0) || adc[i] >= CSF_ADC) continue;
        tissue[i] = 1;
        count++;
      }
  const voxelMl = (geometry.spacingMm[0] * geometry.spacingMm[1] * geometry.spacingMm[2]) / 1000;
  const tissueVolumeMl = count * voxelMl;
  if (tissueVolumeMl < minBrainMl) {
    throw new NoBrainError(
      `only ${tissueVolumeMl.toFixed(1)} mL of brain tissue on the diffusion images (at least ${minBrainMl} mL expected): not a brain acquisition`,
    );
  }
  return { intracranial, tissue, tissueVolumeMl };
}
