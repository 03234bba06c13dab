/**
 * Sampling along one axis of a [outer, n, inner] array: each output position i reads positions i0[i] and
 * i1[i] with weight w[i] on i1 (linear; i0 = i1 for nearest), or averages [start[i], end[i]) (area). Separable:
 * passes along each axis in turn give bilinear / trilinear interpolation and box averages.
 */
export interface LinearTable {
  kind: 'linear';
  length: number;
  i0: Int32Array;
  i1: Int32Array;
  w: Float32Array;
  /** positions outside the input take `fill` (absent: every position is inside) */
  valid?: Uint8Array;
  fill?: number;
}

export interface AreaTable {
  kind: 'area';
  length: number;
  start: Int32Array;
  end: Int32Array;
}

export type AxisTable = LinearTable | AreaTable;

/** Half-pixel-centre resize of n samples to m: p = (i + 0.5) n / m - 0.5, clamped to the edge (align_corners = false). */
export function resizeLinearTable(n: number, m: number): LinearTable {
  return tableFromCoordinates(m, n, (i) => ((i + 0.5) * n) / m - 0.5, 'linear');
}

/** Nearest for a resize (PyTorch's 'nearest'): source floor(i n / m). */
export function resizeNearestTable(n: number, m: number): LinearTable {
  const i0 = new Int32Array(m);
  for (let i = 0; i < m; i++) i0[i] = Math.min(Math.floor((i * n) / m), n - 1);
  return { kind: 'linear', length: m, i0, i1: i0, w: new Float32Array(m) };
}

/** Box average of a resize (adaptive average pooling): [floor(i n / m), ceil((i + 1) n / m)). */
export function resizeAreaTable(n: number, m: number): AreaTable {
  const start = new Int32Array(m);
  const end = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    start[i] = Math.floor((i * n) / m);
    end[i] = Math.max(start[i] + 1, Math.ceil(((i + 1) * n) / m));
  }
  return { kind: 'area', length: m, start, end };
}

/**
 * A linear or nearest table from the input coordinate of each output position. Coordinates are clamped to
 * [0, n - 1]; with `outside` set, positions beyond half a voxel of the input's extent are marked invalid.
 */
export function tableFromCoordinates(
  m: number,
  n: number,
  coordinate: (i: number) => number,
  mode: 'linear' | 'nearest',
  outside?: { fill: number },
): LinearTable {
  const i0 = new Int32Array(m);
  const i1 = new Int32Array(m);
  const w = new Float32Array(m);
  const valid = outside ? new Uint8Array(m) : undefined;
  for (let i = 0; i < m; i++) {
    const raw = coordinate(i);
    if (valid) valid[i] = raw >= -0.5 - 1e-6 && raw <= n - 0.5 + 1e-6 ? 1 : 0;
    const p = Math.min(Math.max(raw, 0), n - 1);
    if (mode === 'nearest') {
      // round half away from the lower index, so that the centre of a voxel maps to itself
      const r = Math.min(Math.floor(p + 0.5), n - 1);
      i0[i] = r;
      i1[i] = r;
    } else {
      const f = Math.floor(p);
      i0[i] = f;
      i1[i] = Math.min(f + 1, n - 1);
      w[i] = p - f;
    }
  }
  return { kind: 'linear', length: m, i0, i1, w, valid, fill: outside?.fill };
}

/**
 * A pointwise map of stored values read through a table: value v becomes table[v - low] (v an integer in the
 * table's domain). Applied as the values are read, so that no whole-size mapped copy is made.
 */
export interface ValueLookup {
  table: Float32Array;
  low: number;
}

/** out[i] = table[from[offset + i] - low] for `count` values. */
export function lookUpValues(from: Float32Array, offset: number, count: number, lookup: ValueLookup, out: Float32Array, outOffset = 0): void {
  const { table, low } = lookup;
  for (let i = 0; i < count; i++) out[outOffset + i] = table[(from[offset + i] - low) | 0];
}

/**
 * Samples `data` of shape [outer, n, inner] along its middle axis; returns [outer, table.length, inner]. With
 * `lookup`, each block of n x inner values is mapped through it just before it is read (same result as mapping
 * the whole array first).
 */
export function sampleAxis(data: Float32Array, outer: number, n: number, inner: number, table: AxisTable, lookup?: ValueLookup): Float32Array {
  const m = table.length;
  const out = new Float32Array(outer * m * inner);
  const block = n * inner;
  const scratch = lookup ? new Float32Array(block) : undefined;
  /** block o mapped through the lookup */
  const mapped = (o: number): Float32Array => {
    lookUpValues(data, o * block, block, lookup!, scratch!);
    return scratch!;
  };
  if (table.kind === 'area') {
    const { start, end } = table;
    for (let o = 0; o < outer; o++) {
      const src = scratch ? mapped(o) : data;
      const base = scratch ? 0 : o * block;
      for (let i = 0; i < m; i++) {
        const target = (o * m + i) * inner;
        const scale = 1 / (end[i] - start[i]);
        if (inner === 1) {
          let sum = 0;
          for (let j = base + start[i]; j < base + end[i]; j++) sum += src[j];
          out[target] = sum * scale;
          continue;
        }
        for (let j = start[i]; j < end[i]; j++) {
          const from = base + j * inner;
          for (let r = 0; r < inner; r++) out[target + r] += src[from + r];
        }
        for (let r = 0; r < inner; r++) out[target + r] *= scale;
      }
    }
    return out;
  }
  const { i0, i1, w, valid } = table;
  const fill = table.fill ?? 0;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const src = scratch ? mapped(o) : data;
      const base = scratch ? 0 : o * block;
      const target = o * m;
      for (let i = 0; i < m; i++) {
        if (valid && !valid[i]) out[target + i] = fill;
        else {
          const f = w[i];
          out[target + i] = f === 0 ? src[base + i0[i]] : src[base + i0[i]] * (1 - f) + src[base + i1[i]] * f;
        }
      }
    }
    return out;
  }
  for (let o = 0; o < outer; o++) {
    const src = scratch ? mapped(o) : data;
    const base = scratch ? 0 : o * block;
    for (let i = 0; i < m; i++) {
      const target = (o * m + i) * inner;
      if (valid && !valid[i]) {
        out.fill(fill, target, target + inner);
        continue;
      }
      const a = base + i0[i] * inner;
      const b = base + i1[i] * inner;
      const f = w[i];
      if (f === 0) {
        out.set(src.subarray(a, a + inner), target);
      } else {
        const g = 1 - f;
        for (let r = 0; r < inner; r++) out[target + r] = src[a + r] * g + src[b + r] * f;
      }
    }
  }
  return out;
}

/** Samples a [channels, d, h, w] array along each spatial axis whose table is given. */
export function sampleSpatial(
  data: Float32Array,
  channels: number,
  dims: readonly [number, number, number],
  tables: readonly [AxisTable | undefined, AxisTable | undefined, AxisTable | undefined],
  lookup?: ValueLookup,
): { data: Float32Array; dims: [number, number, number] } {
  let current = data;
  let pending = lookup;
  const size: [number, number, number] = [dims[0], dims[1], dims[2]];
  // innermost first: each pass shrinks (or grows) one axis; the lookup, if any, is read in the first
  for (const axis of [2, 1, 0] as const) {
    const table = tables[axis];
    if (!table) continue;
    const outer = channels * size.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = size.slice(axis + 1).reduce((a, b) => a * b, 1);
    current = sampleAxis(current, outer, size[axis], inner, table, pending);
    pending = undefined;
    size[axis] = table.length;
  }
  if (pending) {
    const mapped = new Float32Array(current.length);
    lookUpValues(current, 0, current.length, pending, mapped);
    current = mapped;
  }
  return { data: current, dims: size };
}
