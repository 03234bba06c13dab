import { boneWeight, resampleStack, RigidRegistration, type ImageStack, type RigidTransform2D } from './rigid-registration';

/**
 * A skull-like ring (an ellipse 6-8 mm thick, edges blurred over about a pixel, bumps so that turns show) on a soft
 * background, rendered analytically in a pose: the point p of the still ring is seen at R (p - pivot) + pivot + shift.
 * `contrast` adds enhancing blobs inside the ring (arriving contrast must not pull the registration).
 */
function ring(pose: { angleDegrees: number; shiftMm: [number, number]; pivotMm: [number, number] }, contrast = 0): ImageStack {
  const columns = 96;
  const rows = 96;
  const slices = 3;
  const d = 2.5;
  const data = new Float32Array(columns * rows * slices);
  const a = (pose.angleDegrees * Math.PI) / 180;
  for (let z = 0; z < slices; z++)
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < columns; x++) {
        const rx = x * d - pose.pivotMm[0] - pose.shiftMm[0];
        const ry = y * d - pose.pivotMm[1] - pose.shiftMm[1];
        const px = Math.cos(a) * rx + Math.sin(a) * ry + pose.pivotMm[0];
        const py = -Math.sin(a) * rx + Math.cos(a) * ry + pose.pivotMm[1];
        const u = px - 120 + 3 * z;
        const v = py - 118;
        const r = Math.sqrt((u / 70) ** 2 + (v / 88) ** 2) * 80;
        const edge = (e: number) => 1 / (1 + Math.exp(-e / 1.5));
        const bone = edge(r - (72 - 0.05 * px)) * edge(80 + 2 * Math.sin(3 * Math.atan2(v, u)) - r);
        const blob = contrast * Math.exp(-((u - 20) ** 2 + (v + 10) ** 2) / 40) + 0.3 * contrast * Math.exp(-((u + 15) ** 2 + (v - 50) ** 2) / 200);
        data[(z * rows + y) * columns + x] = 30 + 1100 * bone + blob;
      }
  return { columns, rows, slices, spacingMm: [d, d], data };
}

/** Where the true movement takes the registration's pivot, and its angle: what the estimate must match. */
function expected(reg: RigidRegistration, pose: { angleDegrees: number; shiftMm: [number, number]; pivotMm: [number, number] }): RigidTransform2D {
  const a = (pose.angleDegrees * Math.PI) / 180;
  const [cx, cy] = reg.pivotMm;
  const [qx, qy] = pose.pivotMm;
  return {
    angle: a,
    shiftMm: [
      Math.cos(a) * (cx - qx) - Math.sin(a) * (cy - qy) + qx + pose.shiftMm[0] - cx,
      Math.sin(a) * (cx - qx) + Math.cos(a) * (cy - qy) + qy + pose.shiftMm[1] - cy,
    ],
  };
}

describe(RigidRegistration.name, () => {
  const still = { angleDegrees: 0, shiftMm: [0, 0] as [number, number], pivotMm: [120, 118] as [number, number] };
  const reg = new RigidRegistration(ring(still));

  it.each([
    { angleDegrees: 0.5, shiftMm: [1, 0] as [number, number], pivotMm: [120, 118] as [number, number] },
    { angleDegrees: 3, shiftMm: [5, -2] as [number, number], pivotMm: [110, 180] as [number, number] },
    { angleDegrees: -2, shiftMm: [-3, 4] as [number, number], pivotMm: [100, 100] as [number, number] },
    { angleDegrees: 1, shiftMm: [0, 0] as [number, number], pivotMm: [120, 118] as [number, number] },
    { angleDegrees: -0.5, shiftMm: [2.2, 3.1] as [number, number], pivotMm: [130, 60] as [number, number] },
  ])('recovers a turn of $angleDegrees degrees and a shift of $shiftMm mm within 0.1 degrees and 0.1 mm', (pose) => {
    const { transform, mismatch } = reg.register(ring(pose));
    const truth = expected(reg, pose);
    expect(Math.abs(((transform.angle - truth.angle) * 180) / Math.PI)).toBeLessThan(0.1);
    expect(Math.hypot(transform.shiftMm[0] - truth.shiftMm[0], transform.shiftMm[1] - truth.shiftMm[1])).toBeLessThan(0.1);
    expect(mismatch).toBeLessThan(0.1);
    expect(reg.displacementMm(transform)).toBeGreaterThan(Math.hypot(...truth.shiftMm) - 0.2);
  });

  it('is not pulled by arriving contrast inside the skull', () => {
    const pose = { angleDegrees: 1.5, shiftMm: [2, -1] as [number, number], pivotMm: [120, 118] as [number, number] };
    const { transform } = reg.register(ring(pose, 400));
    const truth = expected(reg, pose);
    expect(Math.abs(((transform.angle - truth.angle) * 180) / Math.PI)).toBeLessThan(0.1);
    expect(Math.hypot(transform.shiftMm[0] - truth.shiftMm[0], transform.shiftMm[1] - truth.shiftMm[1])).toBeLessThan(0.1);
    // an unmoved image with contrast stays unmoved
    const still2 = reg.register(ring(still, 400)).transform;
    expect(Math.abs(still2.angle) + Math.hypot(...still2.shiftMm)).toBeLessThan(0.02);
  });

  it('finds the identity on the reference itself', () => {
    const { transform, mismatch } = reg.register(ring(still));
    expect(Math.abs(transform.angle)).toBeLessThan(1e-6);
    expect(Math.hypot(...transform.shiftMm)).toBeLessThan(1e-4);
    expect(mismatch).toBeLessThan(1e-6);
  });

  it('reports a large mismatch when the images do not hold the same skull', () => {
    const other = ring(still);
    for (let i = 0; i < other.data.length; i++) if (i % 96 > 48) other.data[i] = 30;
    expect(reg.register(other).mismatch).toBeGreaterThan(0.5);
  });

  it('brings a moved stack back onto the reference by resampling', () => {
    const pose = { angleDegrees: 2, shiftMm: [3, -1.5] as [number, number], pivotMm: [120, 118] as [number, number] };
    const moved = ring(pose);
    const { transform } = reg.register(moved);
    const out = new Float32Array(moved.data.length);
    resampleStack(moved, transform, reg.pivotMm, out);
    const reference = ring(still).data;
    let before = 0;
    let after = 0;
    for (let i = 0; i < out.length; i++) ((before += Math.abs(moved.data[i] - reference[i])), (after += Math.abs(out[i] - reference[i])));
    expect(after).toBeLessThan(0.1 * before);
  });
});

describe(boneWeight.name, () => {
  it('is zero at and below 200 HU, rises to one at 1200 HU', () => {
    expect([-1000, 40, 200, 700, 1200, 3000].map(boneWeight)).toEqual([0, 0, 0, 0.5, 1, 1]);
  });
});
