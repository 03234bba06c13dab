/** The smallest box holding every voxel of a mask: [z0, z1) x [y0, y1) x [x0, x1) on a [d, h, w] grid. */
export interface Box {
  z0: number;
  z1: number;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** Connected components of a binary mask, labelled inside the mask's bounding box. */
export interface Components {
  /** the grid [d, h, w] */
  dims: [number, number, number];
  /** the bounding box of the mask (empty when z0 = z1) */
  box: Box;
  /** component number (1-based) per voxel of the box, index ((z - z0) * bh + (y - y0)) * bw + (x - x0); 0 outside the mask */
  labels: Int32Array;
  /** voxels per component; sizes[0] is unused */
  sizes: number[];
}

/** The bounding box of the non-zero voxels, searched inside `within` (the whole grid by default). */
export function boundingBox(mask: ArrayLike<number>, dims: readonly [number, number, number], within?: Box): Box {
  const [d, h, w] = dims;
  const box: Box = { z0: d, z1: 0, y0: h, y1: 0, x0: w, x1: 0 };
  const s = within ?? { z0: 0, z1: d, y0: 0, y1: h, x0: 0, x1: w };
  for (let z = s.z0; z < s.z1; z++) {
    for (let y = s.y0; y < s.y1; y++) {
      const row = (z * h + y) * w;
      let first = -1;
      let last = -1;
      for (let x = s.x0; x < s.x1; x++) {
        if (mask[row + x]) {
          if (first < 0) first = x;
          last = x;
        }
      }
      if (first < 0) continue;
      if (z < box.z0) box.z0 = z;
      box.z1 = z + 1;
      if (y < box.y0) box.y0 = y;
      if (y + 1 > box.y1) box.y1 = y + 1;
      if (first < box.x0) box.x0 = first;
      if (last + 1 > box.x1) box.x1 = last + 1;
    }
  }
  return box.z1 > box.z0 ? box : { z0: 0, z1: 0, y0: 0, y1: 0, x0: 0, x1: 0 };
}

/**
 * Labels the connected components of `mask` (non-zero voxels): face neighbours only (4 in 2D, 6 in 3D), or
 * full (8 / 26, edges and corners too). A breadth-first flood fill inside the mask's bounding box, iterative so
 * that large components do not exhaust the stack. With `within`, every voxel of the mask must lie in that box.
 */
export function connectedComponents(mask: ArrayLike<number>, dims: readonly [number, number, number], connectivity: 'face' | 'full', within?: Box): Components {
  const [, h, w] = dims;
  const box = boundingBox(mask, dims, within);
  const bd = box.z1 - box.z0;
  const bh = box.y1 - box.y0;
  const bw = box.x1 - box.x0;
  const labels = new Int32Array(bd * bh * bw);
  const sizes = [0];
  const inBox = new Uint8Array(labels.length);
  let count = 0;
  for (let z = 0; z < bd; z++)
    for (let y = 0; y < bh; y++) {
      const from = ((z + box.z0) * h + y + box.y0) * w + box.x0;
      const to = (z * bh + y) * bw;
      for (let x = 0; x < bw; x++)
        if (mask[from + x]) {
          inBox[to + x] = 1;
          count++;
        }
    }
  const offsets: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const steps = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (steps === 0 || (connectivity === 'face' && steps > 1)) continue;
        offsets.push([dz, dy, dx]);
      }
  const steps = offsets.map(([dz, dy, dx]) => (dz * bh + dy) * bw + dx);
  const queue = new Int32Array(count);
  for (let start = 0; start < labels.length && count > 0; start++) {
    if (!inBox[start] || labels[start]) continue;
    const label = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    labels[start] = label;
    while (head < tail) {
      const v = queue[head++];
      const z = (v / (bh * bw)) | 0;
      const y = ((v % (bh * bw)) / bw) | 0;
      const x = v % bw;
      for (let k = 0; k < offsets.length; k++) {
        const [dz, dy, dx] = offsets[k];
        const zz = z + dz;
        const yy = y + dy;
        const xx = x + dx;
        if (zz < 0 || zz >= bd || yy < 0 || yy >= bh || xx < 0 || xx >= bw) continue;
        const u = v + steps[k];
        if (inBox[u] && !labels[u]) {
          labels[u] = label;
          queue[tail++] = u;
        }
      }
    }
    sizes.push(tail);
    count -= tail;
  }
  return { dims: [dims[0], dims[1], dims[2]], box, labels, sizes };
}

/** The label of grid voxel (z, y, x), 0 outside the mask. */
export function labelAt(c: Components, z: number, y: number, x: number): number {
  const { box } = c;
  if (z < box.z0 || z >= box.z1 || y < box.y0 || y >= box.y1 || x < box.x0 || x >= box.x1) return 0;
  return c.labels[((z - box.z0) * (box.y1 - box.y0) + (y - box.y0)) * (box.x1 - box.x0) + (x - box.x0)];
}

/**
 * Removes components smaller than `minVoxels` from the mask, in place; returns the mask, the components and
 * the labels kept.
 */
export function removeSmallComponents(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  connectivity: 'face' | 'full',
  minVoxels: number,
  within?: Box,
): { mask: Uint8Array; components: Components; kept: number[] } {
  const components = connectedComponents(mask, dims, connectivity, within);
  const labels = components.sizes.map((_, label) => label).slice(1);
  const kept = labels.filter((label) => components.sizes[label] >= minVoxels);
  if (kept.length === labels.length) return { mask, components, kept };
  const keep = new Uint8Array(components.sizes.length);
  for (const label of kept) keep[label] = 1;
  const { box } = components;
  const [, h, w] = dims;
  const bh = box.y1 - box.y0;
  const bw = box.x1 - box.x0;
  for (let z = box.z0; z < box.z1; z++)
    for (let y = box.y0; y < box.y1; y++) {
      const from = ((z - box.z0) * bh + (y - box.y0)) * bw;
      const to = (z * h + y) * w + box.x0;
      for (let x = 0; x < bw; x++) {
        const label = components.labels[from + x];
        if (label && !keep[label]) {
          mask[to + x] = 0;
          components.labels[from + x] = 0;
        }
      }
    }
  return { mask, components, kept };
}
