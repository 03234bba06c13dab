import { HeadModel, PHANTOM_BLOOD_HU, type HeadPhantomOptions } from './head-model';
import { phantomVolume, renderStill, type HeadPhantom } from './head-phantom';
import { SeededRandom } from './seeded-random';

/**
 * How the head moves during the scan, in the image plane: still until startSeconds, then to the full movement at
 * once (rampSeconds 0) or over rampSeconds, then drifting back by returnFraction of it until the last image.
 */
export interface HeadMotion {
  startSeconds: number;
  /** 0: sudden, between two images; otherwise the movement takes this long */
  rampSeconds: number;
  /** shift at full movement, mm, along the image rows (patient's left) and columns (posterior) */
  shiftMm: [number, number];
  /** turn at full movement, degrees, from the row direction towards the column direction */
  rotationDegrees: number;
  /** the point the head turns about, mm from the head's centre (default the head's centre) */
  pivotMm?: [number, number];
  /** fraction of the movement undone, linearly from the end of the ramp to the last image (default 0) */
  returnFraction?: number;
  /** back in the first position from this time on (a jerk), default never */
  endSeconds?: number;
}

export interface MovingHeadPhantomOptions extends HeadPhantomOptions {
  motion: HeadMotion;
}

/** Where the head is at each time point, relative to the first image. */
export interface HeadPose {
  timeSeconds: number;
  /** 0 still .. 1 full movement */
  amount: number;
  rotationDegrees: number;
  /** shift of the image plane's origin under the movement, mm: a point p goes to R (p - pivot) + pivot + shift */
  shiftMm: [number, number];
  /** the pivot, mm from the first pixel's centre along rows and columns */
  pivotMm: [number, number];
}

export interface MovingHeadPhantom extends HeadPhantom {
  poses: HeadPose[];
  /** where a point of the first image (mm from the first pixel's centre) lies at time point t */
  displacementAt(t: number, pointMm: [number, number]): [number, number];
}

/** 0 before the start, up to 1 at the end of the ramp, then back by returnFraction at the last image. */
export function motionAmount(motion: HeadMotion, t: number, lastSeconds: number): number {
  if (t < motion.startSeconds || (motion.endSeconds !== undefined && t >= motion.endSeconds)) return 0;
  const ramp = motion.rampSeconds > 0 ? Math.min(1, (t - motion.startSeconds) / motion.rampSeconds) : 1;
  const fullAt = motion.startSeconds + motion.rampSeconds;
  if (t <= fullAt || !motion.returnFraction || lastSeconds <= fullAt) return ramp;
  return 1 - (motion.returnFraction * (t - fullAt)) / (lastSeconds - fullAt);
}

/** Sub-cells per pixel side of the fine head the moving images are rendered from. */
const FINE = 4;

/**
 * The head on a grid FINE times finer than the pixels, in the position of the first image: per cell, its
 * baseline and enhancement (tissue curve or vessel), so that an image in any pose is a few look-ups per pixel.
 */
function fineHead(model: HeadModel) {
  const { columns, rows, slices, dx, dy, x0, y0 } = model;
  const W = columns * FINE;
  const H = rows * FINE;
  const baseline = new Float32Array(W * H * slices);
  const scale = new Float32Array(W * H * slices);
  const curve = new Int32Array(W * H * slices).fill(-1);
  const curves: Float64Array[] = [];
  const index = new Map<Float64Array, number>();
  const curveIndex = (c: Float64Array) => {
    let k = index.get(c);
    if (k === undefined) index.set(c, (k = curves.push(c) - 1));
    return k;
  };
  for (let z = 0; z < slices; z++) {
    const slice = model.slice(z);
    for (let fy = 0; fy < H; fy++) {
      for (let fx = 0; fx < W; fx++) {
        const i = (z * H + fy) * W + fx;
        const [u, v] = model.headFrame(...model.centred(x0 + ((fx + 0.5) / FINE - 0.5) * dx, y0 + ((fy + 0.5) / FINE - 0.5) * dy));
        const vessel = model.vesselAt(slice, u, v);
        if (vessel) {
          baseline[i] = PHANTOM_BLOOD_HU;
          scale[i] = 1;
          curve[i] = curveIndex(vessel);
          continue;
        }
        const tissue = model.tissue(slice, u, v);
        baseline[i] = tissue.baselineHu;
        if (tissue.unit) ((scale[i] = tissue.scaleHu), (curve[i] = curveIndex(tissue.unit)));
      }
    }
  }
  return { W, H, baseline, scale, curve, curves };
}

const AIR_HU = -1000;

/**
 * A head phantom that moves: the same head as generateHeadPhantom draws from the seed (so its truth, in the
 * position of the first image, is the still phantom's), each image rendered in the head's pose at its time from
 * the head on a grid four times finer than the pixels: a pixel is the mean of 4 x 4 points, as a detector
 * integrates, so a moved edge shows as partial volume rather than a jump of whole pixels. Noise is drawn per image
 * and voxel.
 */
export function generateMovingHeadPhantom(options: MovingHeadPhantomOptions): MovingHeadPhantom {
  const random = new SeededRandom(options.seed);
  const model = new HeadModel(options, random);
  const { truth, positions } = renderStill(model, random, null);
  const { columns, rows, slices, dx, dy, x0, y0, times } = model;
  const T = times.length;
  const voxels = columns * rows * slices;
  const data = new Float32Array(voxels * T);
  const [cx, cy] = model.centreMm;
  const pivotImage: [number, number] = [cx + (options.motion.pivotMm?.[0] ?? 0), cy + (options.motion.pivotMm?.[1] ?? 0)];
  const last = times[T - 1];
  const poses: HeadPose[] = times.map((timeSeconds) => {
    const amount = motionAmount(options.motion, timeSeconds, last);
    return {
      timeSeconds,
      amount,
      rotationDegrees: amount * options.motion.rotationDegrees,
      shiftMm: [amount * options.motion.shiftMm[0], amount * options.motion.shiftMm[1]],
      // the pivot from the first pixel's centre
      pivotMm: [pivotImage[0] - x0, pivotImage[1] - y0],
    };
  });
  const fine = fineHead(model);
  const { W, H } = fine;
  const cellValue = (z: number, fx: number, fy: number, t: number): number => {
    if (fx < 0 || fy < 0 || fx >= W || fy >= H) return AIR_HU;
    const i = (z * H + fy) * W + fx;
    const c = fine.curve[i];
    return fine.baseline[i] + (c >= 0 ? fine.scale[i] * fine.curves[c][t] : 0);
  };
  for (let t = 0; t < T; t++) {
    const pose = poses[t];
    const angle = (pose.rotationDegrees * Math.PI) / 180;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    // the head point seen at image position q is the inverse movement R(-angle) (q - pivot - shift) + pivot; in
    // fine-cell units (fine cell f has its centre at x0 + ((f + 0.5) / FINE - 0.5) dx) that is affine in q
    const ox = -pivotImage[0] - pose.shiftMm[0];
    const oy = -pivotImage[1] - pose.shiftMm[1];
    const toCellX = (hx: number) => ((hx - x0) / dx) * FINE + FINE / 2;
    const toCellY = (hy: number) => ((hy - y0) / dy) * FINE + FINE / 2;
    for (let z = 0; z < slices; z++) {
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < columns; x++) {
          let value = 0;
          for (let sy = 0; sy < FINE; sy++) {
            const ry = y0 + (y + (sy + 0.5) / FINE - 0.5) * dy + oy;
            for (let sx = 0; sx < FINE; sx++) {
              const rx = x0 + (x + (sx + 0.5) / FINE - 0.5) * dx + ox;
              // bilinear between the four nearest cells: the fine head moves as a continuous body
              const gx = toCellX(cos * rx + sin * ry + pivotImage[0]) - 0.5;
              const gy = toCellY(-sin * rx + cos * ry + pivotImage[1]) - 0.5;
              const fx = Math.floor(gx);
              const fy = Math.floor(gy);
              const wx = gx - fx;
              const wy = gy - fy;
              value +=
                (1 - wy) * ((1 - wx) * cellValue(z, fx, fy, t) + wx * cellValue(z, fx + 1, fy, t)) +
                wy * ((1 - wx) * cellValue(z, fx, fy + 1, t) + wx * cellValue(z, fx + 1, fy + 1, t));
            }
          }
          data[t * voxels + (z * rows + y) * columns + x] = Math.round(value / (FINE * FINE) + options.noiseHu * random.gaussian());
        }
      }
    }
  }
  const displacementAt = (t: number, p: [number, number]): [number, number] => {
    const pose = poses[t];
    const angle = (pose.rotationDegrees * Math.PI) / 180;
    const rx = p[0] - pose.pivotMm[0];
    const ry = p[1] - pose.pivotMm[1];
    return [Math.cos(angle) * rx - Math.sin(angle) * ry - rx + pose.shiftMm[0], Math.sin(angle) * rx + Math.cos(angle) * ry - ry + pose.shiftMm[1]];
  };
  return { volume: phantomVolume(model, data, positions), truth, options, poses, displacementAt };
}
