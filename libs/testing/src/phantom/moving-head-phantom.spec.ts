import { motionAmount, type HeadMotion } from './moving-head-phantom';

describe(motionAmount.name, () => {
  const last = 60;

  it('is still before the start, then moves at once when sudden', () => {
    const sudden: HeadMotion = { startSeconds: 20, rampSeconds: 0, shiftMm: [2, 0], rotationDegrees: 1 };
    expect([0, 19.9, 20, 40, 60].map((t) => motionAmount(sudden, t, last))).toEqual([0, 0, 1, 1, 1]);
  });

  it('moves linearly over the ramp when slow', () => {
    const slow: HeadMotion = { startSeconds: 10, rampSeconds: 20, shiftMm: [0, 3], rotationDegrees: -2 };
    expect(motionAmount(slow, 10, last)).toBe(0);
    expect(motionAmount(slow, 20, last)).toBeCloseTo(0.5);
    expect(motionAmount(slow, 30, last)).toBe(1);
    expect(motionAmount(slow, 50, last)).toBe(1);
  });

  it('drifts back by returnFraction from the end of the ramp to the last image', () => {
    const back: HeadMotion = { startSeconds: 20, rampSeconds: 0, shiftMm: [1, 0], rotationDegrees: 0.5, returnFraction: 0.5 };
    expect(motionAmount(back, 20, last)).toBe(1);
    expect(motionAmount(back, 40, last)).toBeCloseTo(0.75);
    expect(motionAmount(back, 60, last)).toBeCloseTo(0.5);
  });

  it('is back in place from endSeconds on (a jerk)', () => {
    const jerk: HeadMotion = { startSeconds: 20, rampSeconds: 0, shiftMm: [12, 0], rotationDegrees: 0, endSeconds: 24 };
    expect([18, 20, 22, 24, 30].map((t) => motionAmount(jerk, t, last))).toEqual([0, 1, 1, 0, 0]);
  });
});
