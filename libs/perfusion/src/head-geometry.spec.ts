import type { Volume4D } from '@nidus/imaging';
import { buildAnalysisGrid } from './analysis-grid';
import { findHeadGeometry } from './head-geometry';
import { NotHeadError } from './perfusion.errors';

/** One slice of 60 x 60 pixels of 3 mm: an ellipse of soft tissue (semi-axes a across, b down) inside a 2-pixel skull of 1000 HU, air outside. */
function headOf(a: number, b: number, orientation: Volume4D['ImageOrientationPatient'] = [1, 0, 0, 0, 1, 0]) {
  const C = 60;
  const baseline = new Float32Array(C * C);
  for (let y = 0; y < C; y++)
    for (let x = 0; x < C; x++) {
      const r = Math.hypot((x - 29.5) / a, (y - 29.5) / b);
      baseline[y * C + x] = r < 1 ? 35 : r < 1 + 2 / Math.min(a, b) ? 1000 : -1000;
    }
  const volume: Volume4D = {
    data: new Float32Array(C * C * 10),
    columns: C,
    rows: C,
    slices: 1,
    timePoints: 10,
    timesSeconds: Float64Array.from({ length: 10 }, (_, t) => t),
    spacingMm: [3, 3, 5],
    ImageOrientationPatient: orientation,
    ImagePositionPatient: [[0, 0, 0]],
    SOPInstanceUIDs: [],
  };
  return { grid: buildAnalysisGrid(volume, 1), baseline, C };
}

describe(findHeadGeometry.name, () => {
  it('finds the space enclosed by the skull, and no bone in it', () => {
    const { grid, baseline, C } = headOf(18, 26);
    const head = findHeadGeometry(grid, baseline);
    let inside = 0;
    for (let i = 0; i < C * C; i++) {
      expect(head.intracranial[i]).toBe(baseline[i] === 35 ? 1 : 0);
      expect(head.bone[i]).toBe(baseline[i] === 1000 ? 1 : 0);
      inside += head.intracranial[i];
    }
    expect(head.intracranialVolumeMl).toBeCloseTo(inside * 0.045, 9);
  });

  it("splits a head longer than wide along its long axis: +1 on the patient's left (+x in LPS), -1 on the right", () => {
    const { grid, baseline, C } = headOf(18, 26);
    const head = findHeadGeometry(grid, baseline);
    for (let y = 0; y < C; y++)
      for (let x = 0; x < C; x++) {
        const i = y * C + x;
        if (!head.intracranial[i]) expect(head.side[i]).toBe(0);
        else expect(head.side[i]).toBe(x > 29.5 ? 1 : -1);
      }
  });

  it('names the sides by patient coordinates: with the rows running to the right (-x), the image left is the patient left', () => {
    const { grid, baseline, C } = headOf(18, 26, [-1, 0, 0, 0, 1, 0]);
    const head = findHeadGeometry(grid, baseline);
    for (let x = 0; x < C; x++) if (head.intracranial[30 * C + x]) expect(head.side[30 * C + x]).toBe(x < 29.5 ? 1 : -1);
  });

  it('refuses a series without an enclosed space of a head with NotHeadError', () => {
    const { grid, baseline } = headOf(18, 26);
    baseline.fill(35);
    expect(() => findHeadGeometry(grid, baseline)).toThrow(NotHeadError);
  });
});
