import { readPart10, type DicomDataset } from '@nidus/dicom';
import { shuffled, syntheticPerfusionFiles, syntheticStoredValue } from '@nidus/testing';
import { InconsistentVolumeError } from './imaging.errors';
import { buildVolume, resampleVolume, sortSlices, splitIntoStacks, voxelToPatient } from './volume';

function stack(o: {
  rows: number;
  columns: number;
  slices: number;
  orientation?: [number, number, number, number, number, number];
  sliceSpacingMm?: number;
}): DicomDataset[] {
  return syntheticPerfusionFiles({ ...o, timePoints: 1 }).map((f) => readPart10(f.bytes));
}

describe(sortSlices.name, () => {
  it('orders slices along the normal of an oblique orientation, whatever the file order', () => {
    const c = Math.cos(0.4),
      s = Math.sin(0.4);
    const slices = stack({ rows: 4, columns: 3, slices: 6, orientation: [c, s, 0, 0, 0, -1] });
    const sorted = sortSlices(shuffled(slices, 21));
    expect(sorted.map((x) => x.item)).toEqual(slices);
    const gaps = sorted.slice(1).map((x, i) => x.position - sorted[i].position);
    gaps.forEach((g) => expect(g).toBeCloseTo(5, 9));
  });
});

describe(buildVolume.name, () => {
  it('builds HU volumes with an affine that maps voxels to ImagePositionPatient', () => {
    const slices = stack({ rows: 5, columns: 7, slices: 4, orientation: [0, 1, 0, 0, 0, -1], sliceSpacingMm: 2.5 }); // sagittal
    const v = buildVolume(shuffled(slices));
    expect([v.columns, v.rows, v.slices]).toEqual([7, 5, 4]);
    expect(v.spacingMm).toEqual([0.6, 0.5, 2.5]);
    expect(v.data[(2 * 5 + 3) * 7 + 6]).toBe(syntheticStoredValue(0, 2, 6, 3) - 1024);
    slices.forEach((ds, z) => {
      const ipp = ds.numbers('ImagePositionPatient');
      voxelToPatient(v.affine, 0, 0, z).forEach((p, k) => expect(p).toBeCloseTo(ipp[k], 6));
    });
    // voxel (x, y) moves along the row / column directions by the pixel spacing (PS3.3 C.7.6.2.1.1)
    const p = voxelToPatient(v.affine, 2, 1, 0);
    const o = slices[0].numbers('ImagePositionPatient');
    expect(p[1] - o[1]).toBeCloseTo(2 * 0.6, 9);
    expect(p[2] - o[2]).toBeCloseTo(-1 * 0.5, 9);
  });

  it('refuses mixed sizes, orientations and irregular gaps; splitIntoStacks separates them', () => {
    const axial = stack({ rows: 4, columns: 4, slices: 3 });
    const other = stack({ rows: 4, columns: 4, slices: 2, orientation: [1, 0, 0, 0, 0, -1] });
    const bigger = stack({ rows: 6, columns: 4, slices: 2 });
    expect(() => buildVolume([...axial, ...other])).toThrow(InconsistentVolumeError);
    expect(() => buildVolume([...axial, ...bigger])).toThrow(InconsistentVolumeError);
    expect(() => buildVolume([axial[0], axial[2]].concat(stack({ rows: 4, columns: 4, slices: 6 }).slice(5)))).toThrow(InconsistentVolumeError);
    const stacks = splitIntoStacks(shuffled([...axial, ...other, ...bigger], 4));
    expect(stacks.map((s) => s.length).sort()).toEqual([2, 2, 3]);
    for (const s of stacks) expect(() => buildVolume(s)).not.toThrow();
  });
});

describe(resampleVolume.name, () => {
  it('interpolates linearly: a linear ramp stays exact at the new spacing', () => {
    const v = buildVolume(stack({ rows: 6, columns: 6, slices: 5 }));
    const ramp = {
      ...v,
      data: Float32Array.from(v.data, (_, i) => {
        const x = i % 6,
          y = Math.floor(i / 6) % 6,
          z = Math.floor(i / 36);
        return 2 * x * 0.6 + 3 * y * 0.5 + 0.5 * z * 5;
      }),
    };
    const r = resampleVolume(ramp, [0.3, 0.25, 2.5]);
    expect([r.columns, r.rows, r.slices]).toEqual([11, 11, 9]);
    for (const [x, y, z] of [
      [0, 0, 0],
      [5, 7, 3],
      [10, 10, 8],
      [3, 1, 5],
    ]) {
      expect(r.data[(z * r.rows + y) * r.columns + x]).toBeCloseTo(2 * x * 0.3 + 3 * y * 0.25 + 0.5 * z * 2.5, 4);
    }
    voxelToPatient(r.affine, 2, 0, 0).forEach((p, k) => expect(p).toBeCloseTo(voxelToPatient(v.affine, 1, 0, 0)[k], 9));
  });
});
