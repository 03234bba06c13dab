/**
 * In-plane rigid registration of one image stack to a reference, for head motion in CT perfusion.
 *
 * The similarity is bone-weighted: both images are mapped through boneWeight (HU above 200, capped), so only
 * the skull speaks; arriving contrast (tissue +5..80 HU, arteries and sinus at most a few hundred HU over a few
 * voxels) barely enters, and a robust (Huber) loss discounts what does. The transform, one per stack (the head is
 * rigid; a thick slab only allows in-plane motion), is a rotation about a pivot plus a shift, found by inverse
 * compositional Gauss-Newton (Baker and Matthews, IJCV 2004) from coarse to fine on 2 x 2 block averages.
 */

/** Stack of slices on one in-plane grid: index (z * rows + y) * columns + x; spacing mm. */
export interface ImageStack {
  columns: number;
  rows: number;
  slices: number;
  /** [column spacing, row spacing] mm */
  spacingMm: [number, number];
  data: Float32Array;
}

/**
 * A point p (mm, column and row directions, from the grid's first pixel) of the reference lies at
 * R(angle) (p - pivot) + pivot + shift in the moving image.
 */
export interface RigidTransform2D {
  /** radians, positive from the row direction (increasing column) towards the column direction (increasing row) */
  angle: number;
  shiftMm: [number, number];
}

export const IDENTITY_TRANSFORM: RigidTransform2D = Object.freeze({ angle: 0, shiftMm: [0, 0] as [number, number] });

/** HU below this count as no bone in the similarity. */
export const BONE_SIMILARITY_HU = 200;
const BONE_SIMILARITY_RANGE_HU = 1000;
const BLUR_PASSES = 2;

/** 0 below 200 HU, rising to 1 at 1200 HU: how much bone a voxel holds, for the similarity. */
export function boneWeight(hu: number): number {
  const w = (hu - BONE_SIMILARITY_HU) / BONE_SIMILARITY_RANGE_HU;
  return w <= 0 ? 0 : w >= 1 ? 1 : w;
}

interface Level {
  columns: number;
  rows: number;
  slices: number;
  dx: number;
  dy: number;
  data: Float32Array;
}

function boneLevel(stack: ImageStack): Level {
  const data = new Float32Array(stack.data.length);
  for (let i = 0; i < data.length; i++) data[i] = boneWeight(stack.data[i]);
  return { columns: stack.columns, rows: stack.rows, slices: stack.slices, dx: stack.spacingMm[0], dy: stack.spacingMm[1], data };
}

/** 2 x 2 in-plane block average. */
function halve(level: Level): Level {
  const columns = level.columns >> 1;
  const rows = level.rows >> 1;
  const data = new Float32Array(columns * rows * level.slices);
  const C = level.columns;
  for (let z = 0; z < level.slices; z++) {
    const from = z * level.rows * C;
    const to = z * rows * columns;
    for (let y = 0; y < rows; y++) {
      const r0 = from + 2 * y * C;
      const r1 = r0 + C;
      for (let x = 0; x < columns; x++) {
        const c = 2 * x;
        data[to + y * columns + x] = 0.25 * (level.data[r0 + c] + level.data[r0 + c + 1] + level.data[r1 + c] + level.data[r1 + c + 1]);
      }
    }
  }
  return { columns, rows, slices: level.slices, dx: level.dx * 2, dy: level.dy * 2, data };
}

/**
 * [1 2 1] / 4 in-plane along rows and columns, `passes` times (two passes: a Gaussian of about one pixel). A bone
 * edge one pixel wide makes the bilinear cost ripple with the sub-pixel phase (local minima at whole pixels, a
 * bias in the angle); blurred over a pixel or two it is smooth.
 */
function blur(level: Level, passes: number): Level {
  const { columns: C, rows: R, slices: S } = level;
  const a = Float32Array.from(level.data);
  const b = new Float32Array(a.length);
  for (let p = 0; p < passes; p++) {
    for (let z = 0; z < S; z++) {
      const off = z * R * C;
      for (let y = 0; y < R; y++)
        for (let x = 0; x < C; x++) {
          const i = off + y * C + x;
          b[i] = 0.25 * (a[x > 0 ? i - 1 : i] + 2 * a[i] + a[x < C - 1 ? i + 1 : i]);
        }
      for (let y = 0; y < R; y++)
        for (let x = 0; x < C; x++) {
          const i = off + y * C + x;
          a[i] = 0.25 * (b[y > 0 ? i - C : i] + 2 * b[i] + b[y < R - 1 ? i + C : i]);
        }
    }
  }
  return { ...level, data: a };
}

/** The coarse-to-fine levels, finest first (blurred over about a pixel); the coarsest keeps at least 24 pixels across. */
function pyramid(stack: ImageStack): Level[] {
  const levels = [blur(boneLevel(stack), BLUR_PASSES)];
  while (levels.length < 4 && Math.min(levels[levels.length - 1].columns, levels[levels.length - 1].rows) >= 48) levels.push(halve(levels[levels.length - 1]));
  return levels;
}

/** Bilinear value at pixel coordinates (x, y) of slice z; edge pixels continue outwards. */
export function bilinear(data: Float32Array, columns: number, rows: number, sliceOffset: number, x: number, y: number): number {
  if (x < 0) x = 0;
  else if (x > columns - 1) x = columns - 1;
  if (y < 0) y = 0;
  else if (y > rows - 1) y = rows - 1;
  let x0 = Math.floor(x);
  let y0 = Math.floor(y);
  if (x0 >= columns - 1) x0 = columns - 2;
  if (y0 >= rows - 1) y0 = rows - 2;
  const fx = x - x0;
  const fy = y - y0;
  const i = sliceOffset + y0 * columns + x0;
  const top = data[i] + fx * (data[i + 1] - data[i]);
  const bottom = data[i + columns] + fx * (data[i + columns + 1] - data[i + columns]);
  return top + fy * (bottom - top);
}

/** Reference samples of one level: where bone is (dilated by a pixel), their steepest-descent images. */
interface ReferenceLevel {
  level: Level;
  /** sample positions in mm and their slice offsets */
  px: Float64Array;
  py: Float64Array;
  offset: Int32Array;
  value: Float64Array;
  /** steepest descent: gradient . dW/d(angle, sx, sy) */
  sd: Float64Array;
  count: number;
}

function referenceLevel(level: Level, pivot: [number, number]): ReferenceLevel {
  const { columns: C, rows: R, slices: S, dx, dy, data } = level;
  const near: number[] = [];
  for (let z = 0; z < S; z++) {
    const off = z * R * C;
    for (let y = 1; y < R - 1; y++) {
      for (let x = 1; x < C - 1; x++) {
        let any = false;
        for (let dy2 = -1; dy2 <= 1 && !any; dy2++) for (let dx2 = -1; dx2 <= 1; dx2++) if (data[off + (y + dy2) * C + x + dx2] > 0.02) any = true;
        if (any) near.push(off + y * C + x);
      }
    }
  }
  // flat bone or flat background carries no information on the transform: keep samples where the image changes
  const gradient = (i: number) => Math.abs(data[i + 1] - data[i - 1]) + Math.abs(data[i + C] - data[i - C]);
  let steepest = 0;
  for (const i of near) steepest = Math.max(steepest, gradient(i));
  const picked = near.filter((i) => gradient(i) > 0.02 * steepest);
  const n = picked.length;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const offset = new Int32Array(n);
  const value = new Float64Array(n);
  const sd = new Float64Array(3 * n);
  for (let k = 0; k < n; k++) {
    const i = picked[k];
    const z = Math.floor(i / (R * C));
    const inSlice = i - z * R * C;
    const y = Math.floor(inSlice / C);
    const x = inSlice - y * C;
    px[k] = x * dx;
    py[k] = y * dy;
    offset[k] = z * R * C;
    value[k] = data[i];
    const gx = (data[i + 1] - data[i - 1]) / (2 * dx);
    const gy = (data[i + C] - data[i - C]) / (2 * dy);
    const rx = px[k] - pivot[0];
    const ry = py[k] - pivot[1];
    sd[3 * k] = gx * -ry + gy * rx;
    sd[3 * k + 1] = gx;
    sd[3 * k + 2] = gy;
  }
  return { level, px, py, offset, value, sd, count: n };
}

function solve3(h: number[], b: number[]): [number, number, number] | null {
  const [a, bb, c, d, e, f, g, hh, i] = h;
  const det = a * (e * i - f * hh) - bb * (d * i - f * g) + c * (d * hh - e * g);
  if (!(Math.abs(det) > 1e-18)) return null;
  const inv = [e * i - f * hh, c * hh - bb * i, bb * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * hh - e * g, bb * g - a * hh, a * e - bb * d];
  return [
    (inv[0] * b[0] + inv[1] * b[1] + inv[2] * b[2]) / det,
    (inv[3] * b[0] + inv[4] * b[1] + inv[5] * b[2]) / det,
    (inv[6] * b[0] + inv[7] * b[1] + inv[8] * b[2]) / det,
  ];
}

/** Residuals of the moving level against the reference samples under a transform; NaN-free. */
function residuals(ref: ReferenceLevel, moving: Level, pivot: [number, number], t: RigidTransform2D, out: Float64Array): void {
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  const { columns, rows, dx, dy, data } = moving;
  for (let k = 0; k < ref.count; k++) {
    const rx = ref.px[k] - pivot[0];
    const ry = ref.py[k] - pivot[1];
    const mx = cos * rx - sin * ry + pivot[0] + t.shiftMm[0];
    const my = sin * rx + cos * ry + pivot[1] + t.shiftMm[1];
    out[k] = bilinear(data, columns, rows, ref.offset[k], mx / dx, my / dy) - ref.value[k];
  }
}

/**
 * Huber weights at 1.345 robust standard deviations (median absolute residual / 0.6745, the median taken over at
 * most 501 residuals evenly spread over the samples: a full sort per iteration would cost more than the rest).
 */
function huberWeights(e: Float64Array, n: number, weights: Float64Array, scratch: Float64Array): void {
  const stride = Math.max(1, Math.floor(n / 501));
  let m = 0;
  for (let k = 0; k < n; k += stride) scratch[m++] = Math.abs(e[k]);
  const sorted = scratch.subarray(0, m).sort();
  const sigma = Math.max(sorted[m >> 1] / 0.6745, 1e-3);
  const limit = 1.345 * sigma;
  for (let k = 0; k < n; k++) {
    const a = Math.abs(e[k]);
    weights[k] = a <= limit ? 1 : limit / a;
  }
}

function refine(ref: ReferenceLevel, moving: Level, pivot: [number, number], start: RigidTransform2D, maxIterations: number): RigidTransform2D {
  const n = ref.count;
  const e = new Float64Array(n);
  const w = new Float64Array(n);
  const scratch = new Float64Array(n);
  let t: RigidTransform2D = { angle: start.angle, shiftMm: [start.shiftMm[0], start.shiftMm[1]] };
  const pixel = Math.min(moving.dx, moving.dy);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    residuals(ref, moving, pivot, t, e);
    huberWeights(e, n, w, scratch);
    const h = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const b = [0, 0, 0];
    for (let k = 0; k < n; k++) {
      const s0 = ref.sd[3 * k];
      const s1 = ref.sd[3 * k + 1];
      const s2 = ref.sd[3 * k + 2];
      const wk = w[k];
      h[0] += wk * s0 * s0;
      h[1] += wk * s0 * s1;
      h[2] += wk * s0 * s2;
      h[4] += wk * s1 * s1;
      h[5] += wk * s1 * s2;
      h[8] += wk * s2 * s2;
      b[0] += wk * s0 * e[k];
      b[1] += wk * s1 * e[k];
      b[2] += wk * s2 * e[k];
    }
    h[3] = h[1];
    h[6] = h[2];
    h[7] = h[5];
    const step = solve3(h, b);
    if (!step) break;
    const [da, dsx, dsy] = step;
    // inverse composition: W(p) o W(dp)^-1 = rotation (angle - da), shift - R(angle - da) dshift
    const angle = t.angle - da;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    t = { angle, shiftMm: [t.shiftMm[0] - (c * dsx - s * dsy), t.shiftMm[1] - (s * dsx + c * dsy)] };
    if (Math.abs(da) * 100 + Math.hypot(dsx, dsy) < 0.005 * pixel) break;
  }
  return t;
}

/** Robust mismatch after alignment: root mean square residual over the bone samples, relative to their root mean square. */
function mismatch(ref: ReferenceLevel, moving: Level, pivot: [number, number], t: RigidTransform2D): number {
  const e = new Float64Array(ref.count);
  residuals(ref, moving, pivot, t, e);
  let se = 0;
  let sv = 0;
  for (let k = 0; k < ref.count; k++) {
    se += e[k] * e[k];
    sv += ref.value[k] * ref.value[k];
  }
  return sv > 0 ? Math.sqrt(se / sv) : Infinity;
}

export interface Registration {
  transform: RigidTransform2D;
  /** root mean square bone residual relative to the bone signal (0 perfect; near 1 or above: not aligned) */
  mismatch: number;
}

/**
 * The reference prepared once (its pyramid, bone samples, steepest-descent images and Hessian inputs), then
 * each moving stack registered to it.
 */
export class RigidRegistration {
  private readonly levels: ReferenceLevel[];
  /** the rotation's centre, mm: the centroid of the reference's bone */
  readonly pivotMm: [number, number];
  /** the reference's bone samples at full resolution (mm), for displacement figures */
  readonly boneSamples: number;

  constructor(reference: ImageStack) {
    const levels = pyramid(reference);
    const fine = levels[0];
    let sx = 0;
    let sy = 0;
    let sw = 0;
    for (let z = 0; z < fine.slices; z++)
      for (let y = 0; y < fine.rows; y++)
        for (let x = 0; x < fine.columns; x++) {
          const w = fine.data[(z * fine.rows + y) * fine.columns + x];
          if (w > 0) ((sx += w * x * fine.dx), (sy += w * y * fine.dy), (sw += w));
        }
    this.pivotMm = sw > 0 ? [sx / sw, sy / sw] : [((fine.columns - 1) * fine.dx) / 2, ((fine.rows - 1) * fine.dy) / 2];
    this.levels = levels.map((level) => referenceLevel(level, this.pivotMm));
    this.boneSamples = this.levels[0].count;
  }

  /** Registers a moving stack (same grid as the reference), starting from each of `starts` at the coarsest level. */
  register(moving: ImageStack, starts: readonly RigidTransform2D[] = [IDENTITY_TRANSFORM]): Registration {
    if (this.boneSamples < 20) return { transform: IDENTITY_TRANSFORM, mismatch: Infinity };
    const levels = pyramid(moving);
    const coarsest = this.levels.length - 1;
    let best: RigidTransform2D = IDENTITY_TRANSFORM;
    let bestMismatch = Infinity;
    for (const start of starts) {
      const t = refine(this.levels[coarsest], levels[coarsest], this.pivotMm, start, 40);
      const m = mismatch(this.levels[coarsest], levels[coarsest], this.pivotMm, t);
      if (m < bestMismatch) ((best = t), (bestMismatch = m));
    }
    for (let k = coarsest - 1; k >= 0; k--) best = refine(this.levels[k], levels[k], this.pivotMm, best, 25);
    return { transform: best, mismatch: mismatch(this.levels[0], levels[0], this.pivotMm, best) };
  }

  /** Largest movement (mm) of any reference bone sample under a transform. */
  displacementMm(t: RigidTransform2D): number {
    const ref = this.levels[0];
    const cos = Math.cos(t.angle);
    const sin = Math.sin(t.angle);
    let most = 0;
    for (let k = 0; k < ref.count; k++) {
      const rx = ref.px[k] - this.pivotMm[0];
      const ry = ref.py[k] - this.pivotMm[1];
      const d = Math.hypot(cos * rx - sin * ry - rx + t.shiftMm[0], sin * rx + cos * ry - ry + t.shiftMm[1]);
      if (d > most) most = d;
    }
    return most;
  }
}

/** Catmull-Rom (Keys, a = -0.5) weights of the four samples around a fractional position f in [0, 1). */
function cubicWeights(f: number, w: Float64Array): void {
  const f2 = f * f;
  const f3 = f2 * f;
  w[0] = -0.5 * f3 + f2 - 0.5 * f;
  w[1] = 1.5 * f3 - 2.5 * f2 + 1;
  w[2] = -1.5 * f3 + 2 * f2 + 0.5 * f;
  w[3] = 0.5 * f3 - 0.5 * f2;
}

/** Catmull-Rom value at pixel coordinates (x, y) of slice z; edge pixels continue outwards. */
export function cubic(
  data: Float32Array,
  columns: number,
  rows: number,
  sliceOffset: number,
  x: number,
  y: number,
  wx: Float64Array,
  wy: Float64Array,
): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  cubicWeights(x - x0, wx);
  cubicWeights(y - y0, wy);
  let sum = 0;
  for (let j = 0; j < 4; j++) {
    let yy = y0 - 1 + j;
    yy = yy < 0 ? 0 : yy >= rows ? rows - 1 : yy;
    const row = sliceOffset + yy * columns;
    let line = 0;
    for (let i = 0; i < 4; i++) {
      let xx = x0 - 1 + i;
      xx = xx < 0 ? 0 : xx >= columns ? columns - 1 : xx;
      line += wx[i] * data[row + xx];
    }
    sum += wy[j] * line;
  }
  return sum;
}

/**
 * `cubic` where all 16 taps lie inside the image (`first` is the top-left tap): the same products summed in the same
 * order, so the same value, without the clamping and the weight arrays (most of a resampled frame).
 */
function interiorCubic(data: Float32Array, columns: number, first: number, fx: number, fy: number): number {
  const fx2 = fx * fx;
  const fx3 = fx2 * fx;
  const w0 = -0.5 * fx3 + fx2 - 0.5 * fx;
  const w1 = 1.5 * fx3 - 2.5 * fx2 + 1;
  const w2 = -1.5 * fx3 + 2 * fx2 + 0.5 * fx;
  const w3 = 0.5 * fx3 - 0.5 * fx2;
  const fy2 = fy * fy;
  const fy3 = fy2 * fy;
  const v0 = -0.5 * fy3 + fy2 - 0.5 * fy;
  const v1 = 1.5 * fy3 - 2.5 * fy2 + 1;
  const v2 = -1.5 * fy3 + 2 * fy2 + 0.5 * fy;
  const v3 = 0.5 * fy3 - 0.5 * fy2;
  let r = first;
  let sum = v0 * (w0 * data[r] + w1 * data[r + 1] + w2 * data[r + 2] + w3 * data[r + 3]);
  r += columns;
  sum += v1 * (w0 * data[r] + w1 * data[r + 1] + w2 * data[r + 2] + w3 * data[r + 3]);
  r += columns;
  sum += v2 * (w0 * data[r] + w1 * data[r + 1] + w2 * data[r + 2] + w3 * data[r + 3]);
  r += columns;
  sum += v3 * (w0 * data[r] + w1 * data[r + 1] + w2 * data[r + 2] + w3 * data[r + 3]);
  return sum;
}

/**
 * The moving stack brought onto the reference grid: each reference pixel takes the Catmull-Rom value of the
 * moving stack where the transform puts it (edge pixels continue outwards). Cubic rather than bilinear: a
 * bilinear resampling blurs every moved image by up to half a pixel, which shrank small cores on the moving
 * phantoms by a few mL. Writes `out` (same layout).
 */
export function resampleStack(moving: ImageStack, t: RigidTransform2D, pivotMm: [number, number], out: Float32Array): void {
  const { columns: C, rows: R, slices: S, data } = moving;
  const [dx, dy] = moving.spacingMm;
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);
  // moving pixel coordinates are affine in the reference pixel: m = A (x, y) + b
  const axx = cos;
  const axy = (-sin * dy) / dx;
  const ayx = (sin * dx) / dy;
  const ayy = cos;
  const bx = (-cos * pivotMm[0] + sin * pivotMm[1] + pivotMm[0] + t.shiftMm[0]) / dx;
  const by = (-sin * pivotMm[0] - cos * pivotMm[1] + pivotMm[1] + t.shiftMm[1]) / dy;
  for (let z = 0; z < S; z++) {
    const off = z * R * C;
    for (let y = 0; y < R; y++) {
      let mx = axy * y + bx;
      let my = ayy * y + by;
      const row = off + y * C;
      for (let x = 0; x < C; x++) {
        const x0 = Math.floor(mx);
        const y0 = Math.floor(my);
        if (x0 < 1 || y0 < 1 || x0 + 2 >= C || y0 + 2 >= R) out[row + x] = cubic(data, C, R, off, mx, my, wx, wy);
        else out[row + x] = interiorCubic(data, C, off + (y0 - 1) * C + x0 - 1, mx - x0, my - y0);
        mx += axx;
        my += ayx;
      }
    }
  }
}
