/** Size of a voxel grid (an analysis grid, a diffusion volume). */
export interface MaskGeometry {
  columns: number;
  rows: number;
  slices: number;
}

/** The largest 6-connected component of a mask, as a new mask. */
export function largestComponent(mask: Uint8Array, { columns: C, rows: R, slices: S }: MaskGeometry): Uint8Array {
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
export function fillHoles(mask: Uint8Array, { columns: C, rows: R, slices: S }: MaskGeometry): void {
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
 * The intracranial space on an MR image where the skull is dark (EPI, diffusion): the largest connected foreground
 * (scalp, on the far side of the skull, is another component), holes filled slice by slice.
 */
export function intracranialFromForeground(foreground: Uint8Array, geometry: MaskGeometry): Uint8Array {
  const mask = largestComponent(foreground, geometry);
  fillHoles(mask, geometry);
  return mask;
}
