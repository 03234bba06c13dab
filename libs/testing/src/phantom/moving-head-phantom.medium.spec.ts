import { generateHeadPhantom } from './head-phantom';
import { generateMovingHeadPhantom, type MovingHeadPhantom } from './moving-head-phantom';
import { uniformSamplingTimes } from './sampling-times';

/** Centroid (mm from the first pixel) and orientation (degrees, of the principal axis) of the bone (> 200 HU) of one image: a measure independent of the renderer, precise to about 0.3 degrees on this small grid. */
function boneMoments(p: MovingHeadPhantom, t: number) {
  const { columns: C, rows: R, slices: S, data, spacingMm } = p.volume;
  const V = C * R * S;
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < V; i++) {
    const w = Math.max(0, data[t * V + i] - 200);
    n += w;
    sx += w * (i % C);
    sy += w * (Math.floor(i / C) % R);
  }
  const cx = sx / n;
  const cy = sy / n;
  let a = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < V; i++) {
    const w = Math.max(0, data[t * V + i] - 200);
    const x = (i % C) - cx;
    const y = (Math.floor(i / C) % R) - cy;
    a += w * x * x;
    b += w * y * y;
    c += w * x * y;
  }
  return { centre: [cx * spacingMm[0], cy * spacingMm[1]] as [number, number], orientation: (0.5 * Math.atan2(2 * c, a - b) * 180) / Math.PI };
}

describe(generateMovingHeadPhantom.name, () => {
  const times = uniformSamplingTimes(16, 2);
  const base = { seed: 21, columns: 64, slices: 2, timesSeconds: times, noiseHu: 0 };

  it('has the still phantom of its seed as truth, and is that head before it moves', () => {
    const still = generateHeadPhantom({ ...base, lesion: { side: 'left' } });
    const moving = generateMovingHeadPhantom({
      ...base,
      lesion: { side: 'left' },
      motion: { startSeconds: 10, rampSeconds: 0, shiftMm: [3, 1], rotationDegrees: 2 },
    });
    expect(moving.truth.volumes).toEqual(still.truth.volumes);
    expect(moving.truth.hypoperfusionMask).toEqual(still.truth.hypoperfusionMask);
    // before the movement its images differ from the still ones only by the partial volume at edges
    const V = 64 * 64 * 2;
    let same = 0;
    for (let i = 0; i < V; i++) if (Math.abs(moving.volume.data[i] - still.volume.data[i]) <= 1) same++;
    expect(same / V).toBeGreaterThan(0.8);
    expect(moving.poses.map((p) => p.amount)).toEqual(times.map((t) => (t >= 10 ? 1 : 0)));
  });

  it.each([
    { shiftMm: [4, -2] as [number, number], rotationDegrees: 0, pivotMm: undefined },
    { shiftMm: [0, 0] as [number, number], rotationDegrees: 3, pivotMm: undefined },
    { shiftMm: [-1.5, 2.5] as [number, number], rotationDegrees: -2, pivotMm: [0, 60] as [number, number] },
  ])('moves the skull by the stated pose: shift $shiftMm mm, turn $rotationDegrees degrees', (pose) => {
    const p = generateMovingHeadPhantom({ ...base, motion: { startSeconds: 10, rampSeconds: 0, ...pose } });
    const before = boneMoments(p, 0);
    const after = boneMoments(p, times.length - 1);
    const expected = p.displacementAt(times.length - 1, before.centre);
    expect(after.centre[0] - before.centre[0]).toBeCloseTo(expected[0], 0);
    expect(after.centre[1] - before.centre[1]).toBeCloseTo(expected[1], 0);
    expect(Math.abs(after.centre[0] - before.centre[0] - expected[0])).toBeLessThan(0.25);
    expect(Math.abs(after.centre[1] - before.centre[1] - expected[1])).toBeLessThan(0.25);
    expect(Math.abs(after.orientation - before.orientation - pose.rotationDegrees)).toBeLessThan(0.4);
  });
});
