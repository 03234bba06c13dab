import type { Components } from './connected-components';

/** Volume in mL of `voxels` voxels of spacing [x, y, z] mm (1 mL = 1000 mm^3). */
export function volumeMl(voxels: number, spacingMm: readonly [number, number, number]): number {
  return (voxels * spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
}

/** Points on the convex hull (Andrew's monotone chain), counter-clockwise. */
function convexHull(points: [number, number][]): [number, number][] {
  if (points.length < 3) return points;
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * The largest in-plane diameter (mm) of the kept components: in each slice, the longest distance between the
 * centres of two pixels of one component (its maximum Feret diameter over pixel centres), with the pixel
 * spacing [column, row] mm; the largest over slices and components. 0 for an empty mask or single pixels.
 */
export function largestDiameterMm(components: Components, kept: readonly number[], spacingMm: readonly [number, number]): number {
  const { box, labels } = components;
  const bh = box.y1 - box.y0;
  const bw = box.x1 - box.x0;
  const keep = new Uint8Array(components.sizes.length);
  for (const label of kept) keep[label] = 1;
  let best = 0;
  for (let z = 0; z < box.z1 - box.z0; z++) {
    const points = new Map<number, [number, number][]>();
    for (let y = 0; y < bh; y++) {
      const row = (z * bh + y) * bw;
      for (let x = 0; x < bw; x++) {
        const label = labels[row + x];
        if (!label || !keep[label]) continue;
        // only the first and last pixel of each run in a row can be on the hull
        const left = x === 0 || labels[row + x - 1] !== label;
        const right = x === bw - 1 || labels[row + x + 1] !== label;
        if (!left && !right) continue;
        let list = points.get(label);
        if (!list) points.set(label, (list = []));
        list.push([(x + box.x0) * spacingMm[0], (y + box.y0) * spacingMm[1]]);
      }
    }
    for (const list of points.values()) {
      const hull = convexHull(list);
      for (let i = 0; i < hull.length; i++)
        for (let j = i + 1; j < hull.length; j++) best = Math.max(best, Math.hypot(hull[i][0] - hull[j][0], hull[i][1] - hull[j][1]));
    }
  }
  return best;
}
