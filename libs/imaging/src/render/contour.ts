/**
 * The outline of a binary mask: mask pixels with a 4-neighbour outside the mask (or on the image edge),
 * `thickness` pixels deep.
 */
export function maskContour(mask: ArrayLike<number>, rows: number, columns: number, thickness = 1): Uint8Array {
  let inside = Uint8Array.from({ length: rows * columns }, (_, i) => (mask[i] ? 1 : 0));
  const edge = new Uint8Array(rows * columns);
  for (let pass = 0; pass < thickness; pass++) {
    const next = Uint8Array.from(inside);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const i = y * columns + x;
        if (!inside[i]) continue;
        const border =
          x === 0 || y === 0 || x === columns - 1 || y === rows - 1 || !inside[i - 1] || !inside[i + 1] || !inside[i - columns] || !inside[i + columns];
        if (border) {
          edge[i] = 1;
          next[i] = 0;
        }
      }
    }
    inside = next;
  }
  return edge;
}
