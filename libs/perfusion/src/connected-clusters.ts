/**
 * Removes clusters smaller than minVoxels from a binary mask (in place). Neighbours: the 8 in-plane
 * voxels and the two through-plane ones.
 */
export function removeSmallClusters(mask: Uint8Array, columns: number, rows: number, slices: number, minVoxels: number): number {
  const labels = new Int32Array(mask.length).fill(-1);
  const stack: number[] = [];
  const members: number[] = [];
  let kept = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start] !== -1) continue;
    members.length = 0;
    labels[start] = start;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      members.push(p);
      const x = p % columns;
      const y = ((p / columns) | 0) % rows;
      const z = (p / (columns * rows)) | 0;
      const visit = (q: number) => {
        if (mask[q] && labels[q] === -1) {
          labels[q] = start;
          stack.push(q);
        }
      };
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= rows) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= columns) continue;
          visit((z * rows + yy) * columns + xx);
        }
      }
      if (z > 0) visit(p - columns * rows);
      if (z < slices - 1) visit(p + columns * rows);
    }
    if (members.length < minVoxels) for (const p of members) mask[p] = 0;
    else kept += members.length;
  }
  return kept;
}
