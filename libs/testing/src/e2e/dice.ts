/** Dice similarity coefficient 2|A∩B| / (|A| + |B|) of two binary masks on the same grid; 1 when both are empty. */
export function diceCoefficient(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`masks differ in size: ${a.length} vs ${b.length}`);
  let both = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    sa += x;
    sb += y;
    both += x & y;
  }
  return sa + sb === 0 ? 1 : (2 * both) / (sa + sb);
}

export function countVoxels(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}
