import type { Volume4D } from '@nidus/imaging';
import { buildAnalysisGrid } from './analysis-grid';
import { correctMotion } from './motion.stage';
import { resolvePerfusionOptions } from './perfusion-options';
import { ExcessiveMotionError } from './perfusion.errors';
import { resampleStack } from './rigid-registration';

// A skull ring (blurred edges) on soft tissue, 12 time points; frames moved by known transforms (the still frame
// resampled: the moved image at p shows the still one at R (p - centre) + centre + shift).
const C = 80;
const d = 3;
const S = 2;
const T = 12;

function stillFrame(): Float32Array {
  const frame = new Float32Array(C * C * S);
  for (let z = 0; z < S; z++)
    for (let y = 0; y < C; y++)
      for (let x = 0; x < C; x++) {
        const u = x * d - 120;
        const v = y * d - 118;
        const r = Math.sqrt((u / 70) ** 2 + (v / 88) ** 2) * 80;
        const edge = (e: number) => 1 / (1 + Math.exp(-e / 1.5));
        frame[(z * C + y) * C + x] = 30 + 1100 * edge(r - 72) * edge(80 + 2 * Math.sin(3 * Math.atan2(v, u)) - r);
      }
  return frame;
}

function series(moves: Record<number, { angleDegrees: number; shiftMm: [number, number] }>): Volume4D {
  const frame = stillFrame();
  const voxels = frame.length;
  const data = new Float32Array(voxels * T);
  for (let t = 0; t < T; t++) {
    const move = moves[t];
    const out = data.subarray(t * voxels, (t + 1) * voxels);
    if (!move) out.set(frame);
    else
      resampleStack(
        { columns: C, rows: C, slices: S, spacingMm: [d, d], data: frame },
        { angle: (move.angleDegrees * Math.PI) / 180, shiftMm: move.shiftMm },
        [120, 118],
        out,
      );
  }
  return {
    data,
    columns: C,
    rows: C,
    slices: S,
    timePoints: T,
    timesSeconds: Float64Array.from({ length: T }, (_, t) => 2 * t),
    spacingMm: [d, d, 5],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: [
      [-120, -118, 0],
      [-120, -118, 5],
    ],
    SOPInstanceUIDs: [],
  };
}

describe(correctMotion.name, () => {
  const options = resolvePerfusionOptions({}).motion;

  it('leaves a still series untouched and reports no motion', () => {
    const grid = buildAnalysisGrid(series({}), 1);
    const { grid: out, motion, skullEdge, warnings } = correctMotion(grid, options);
    expect(out).toBe(grid);
    expect(skullEdge).toBeNull();
    expect(warnings).toEqual([]);
    expect(motion.timePoints.every((m) => !m.corrected && m.included && m.shiftMm < 0.01)).toBe(true);
    // the head's centre, in patient coordinates: near the ring's centre (120, 118) mm from the first pixel
    expect(Math.hypot(motion.centreMm[0], motion.centreMm[1])).toBeLessThan(5);
  });

  it('estimates each moved time point (the inverse of the applied resampling), resamples it, and marks the skull edge', () => {
    const moves = { 5: { angleDegrees: 2, shiftMm: [3, -1] as [number, number] }, 6: { angleDegrees: 2.5, shiftMm: [4, -1] as [number, number] } };
    const grid = buildAnalysisGrid(series(moves), 1);
    const { grid: out, motion, skullEdge, warnings } = correctMotion(grid, options);
    expect(motion.timePoints.map((m) => m.corrected)).toEqual(Array.from({ length: T }, (_, t) => t === 5 || t === 6));
    expect(motion.timePoints[5].rotationDegrees).toBeCloseTo(-2, 1);
    expect(motion.timePoints[6].rotationDegrees).toBeCloseTo(-2.5, 1);
    expect(motion.maxShiftMm).toBeGreaterThan(3);
    expect(warnings).toEqual([expect.stringMatching(/^head motion corrected in 2 of 12 images/)]);
    expect(skullEdge!.some((v) => v === 1)).toBe(true);
    // the corrected frame is close to the still one
    const still = stillFrame();
    let error = 0;
    let moved = 0;
    for (let v = 0; v < still.length; v++) ((error += Math.abs(out.hu[v * T + 6] - still[v])), (moved += Math.abs(grid.hu[v * T + 6] - still[v])));
    expect(error).toBeLessThan(0.15 * moved);
  });

  it('leaves out time points moved beyond the limit, with a warning naming them', () => {
    const grid = buildAnalysisGrid(series({ 4: { angleDegrees: 1, shiftMm: [14, 0] } }), 1);
    const { grid: out, motion, warnings } = correctMotion(grid, options);
    expect(motion.excluded).toBe(1);
    expect(motion.timePoints[4].included).toBe(false);
    expect(out.timePoints).toBe(T - 1);
    expect(Array.from(out.timesSeconds)).not.toContain(8);
    expect(warnings[0]).toMatch(/^1 of 12 images left out: the head moved more than 10 mm or 6 degrees .*\(at 8 s\)/);
  });

  it('refuses, with the reason, when too many time points moved beyond the limit', () => {
    const far = { angleDegrees: 9, shiftMm: [4, 0] as [number, number] };
    const grid = buildAnalysisGrid(series({ 3: far, 4: far, 5: far, 6: far }), 1);
    expect(() => correctMotion(grid, options)).toThrow(ExcessiveMotionError);
    expect(() => correctMotion(grid, options)).toThrow(/too much head motion to correct: in 4 of 12 images .*; at most 3 may be left out/);
  });

  it('does nothing when switched off', () => {
    const grid = buildAnalysisGrid(series({ 5: { angleDegrees: 2, shiftMm: [3, -1] } }), 1);
    const { grid: out, motion } = correctMotion(grid, { ...options, enabled: false });
    expect(out).toBe(grid);
    expect(motion.timePoints.every((m) => !m.corrected)).toBe(true);
  });
});
