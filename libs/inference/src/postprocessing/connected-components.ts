/** Connected components of a binary mask on a [d, h, w] grid. */
export interface Components {
  /** component number per voxel (1-based), 0 outside the mask */
  labels: Int32Array;
  /** voxels per component; sizes[0] is unused */
  sizes: number[];
}

/**
 * Labels the connected components of `mask` (non-zero voxels): face neighbours only (4 in 2D, 6 in 3D), or
 * full (8 / 26, edges and corners too). A breadth-first flood fill, iterative so that large components do not
 * exhaust the stack.
 */
export function connectedComponents(mask: ArrayLike<number>, dims: readonly [number, number, number], connectivity: 'face' | 'full'): Components {
  const [d, h, w] = dims;
  const labels = new Int32Array(d * h * w);
  const sizes = [0];
  const offsets: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const steps = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (steps === 0 || (connectivity === 'face' && steps > 1)) continue;
        offsets.push([dz, dy, dx]);
      }
  const queue = new Int32Array(d * h * w);
  for (let start = 0; start < labels.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    labels[start] = label;
    while (head < tail) {
      const v = queue[head++];
      const z = Math.floor(v / (h * w));
      const y = Math.floor((v % (h * w)) / w);
      const x = v % w;
      for (const [dz, dy, dx] of offsets) {
        const zz = z + dz;
        const yy = y + dy;
        const xx = x + dx;
        if (zz < 0 || zz >= d || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const u = (zz * h + yy) * w + xx;
        if (mask[u] && !labels[u]) {
          labels[u] = label;
          queue[tail++] = u;
        }
      }
    }
    sizes.push(tail);
  }
  return { labels, sizes };
}

/** The mask without components smaller than `minVoxels`; returns the components kept too. */
export function removeSmallComponents(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  connectivity: 'face' | 'full',
  minVoxels: number,
): { mask: Uint8Array; components: Components; kept: number[] } {
  const components = connectedComponents(mask, dims, connectivity);
  const keep = components.sizes.map((size, label) => label > 0 && size >= minVoxels);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (keep[components.labels[i]]) out[i] = 1;
  return { mask: out, components, kept: components.sizes.map((_, label) => label).filter((label) => keep[label]) };
}
