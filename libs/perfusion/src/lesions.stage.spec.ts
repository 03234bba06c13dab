import type { GridGeometry } from './analysis-grid';
import { affectedHemisphere, coreMask, maskVolumeMl, measureLesions, minClusterVoxels, referenceCbf, tmaxMasks } from './lesions.stage';
import { DEFAULT_PERFUSION_OPTIONS } from './perfusion-options';
import { DeconvolutionError } from './perfusion.errors';

// 20 x 10 pixels, one slice, 1 mL voxels: patient's left (+1) for x >= 10, right (-1) below; tissue everywhere
const C = 20;
const R = 10;
const n = C * R;
const geometry: GridGeometry = { columns: C, rows: R, slices: 1, spacingMm: [10, 10, 10], voxelVolumeMl: 1 };
const side = Int8Array.from({ length: n }, (_, i) => (i % C >= 10 ? 1 : -1));
const tissue = new Uint8Array(n).fill(1);
const at = (x: number, y: number) => y * C + x;
const mapOf = (f: (x: number, y: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i % C, Math.floor(i / C)));
const inBox = (x: number, y: number, x0: number, y0: number, size: number) => x >= x0 && x < x0 + size && y >= y0 && y < y0 + size;

// a left lesion: Tmax 8 s over a 4 x 4 block at (12, 3), 12 s over its 2 x 2 centre, 2 s elsewhere
const lesionTmax = () => mapOf((x, y) => (inBox(x, y, 13, 4, 2) ? 12 : inBox(x, y, 12, 3, 4) ? 8 : 2));

describe(tmaxMasks.name, () => {
  it('marks tissue with Tmax > 6 s and > 10 s', () => {
    const { hypoperfusion, severe } = tmaxMasks(lesionTmax(), tissue, geometry, 1);
    expect(maskVolumeMl(hypoperfusion, 1)).toBe(16);
    expect(maskVolumeMl(severe, 1)).toBe(4);
    expect(hypoperfusion[at(12, 3)]).toBe(1);
    expect(severe[at(12, 3)]).toBe(0);
    expect(severe[at(14, 5)]).toBe(1);
  });

  it('counts Tmax of exactly 6 s as not hypoperfused, and nothing outside the tissue', () => {
    const tmax = mapOf(() => 6);
    tmax[at(3, 3)] = 7;
    const masked = Uint8Array.from(tissue);
    masked[at(3, 3)] = 0;
    expect(maskVolumeMl(tmaxMasks(tmax, masked, geometry, 1).hypoperfusion, 1)).toBe(0);
  });

  it('removes clusters smaller than the minimum as specks', () => {
    const tmax = lesionTmax();
    tmax[at(2, 8)] = 9; // one voxel on the right
    const { hypoperfusion, severe } = tmaxMasks(tmax, tissue, geometry, 5);
    expect(hypoperfusion[at(2, 8)]).toBe(0);
    expect(maskVolumeMl(hypoperfusion, 1)).toBe(16);
    expect(maskVolumeMl(severe, 1)).toBe(0); // 4 voxels < 5
  });
});

describe(minClusterVoxels.name, () => {
  it('is the minimum volume in voxels, at least one', () => {
    expect(minClusterVoxels(0.02, 1)).toBe(50);
    expect(minClusterVoxels(2, 1)).toBe(1);
  });
});

describe(affectedHemisphere.name, () => {
  const hypo = (left: number, right: number) => {
    const mask = new Uint8Array(n);
    for (let i = 0; i < left; i++) mask[at(10 + (i % 10), Math.floor(i / 10))] = 1;
    for (let i = 0; i < right; i++) mask[at(i % 10, Math.floor(i / 10))] = 1;
    return mask;
  };

  it('is the side with at least the minimum volume and twice the other side', () => {
    expect(affectedHemisphere(hypo(16, 0), side, 1, 5)).toBe('left');
    expect(affectedHemisphere(hypo(3, 30), side, 1, 5)).toBe('right');
    expect(affectedHemisphere(hypo(10, 5), side, 1, 5)).toBe('left');
  });

  it('is null for a small or bilateral hypoperfusion', () => {
    expect(affectedHemisphere(hypo(4, 0), side, 1, 5)).toBeNull();
    expect(affectedHemisphere(hypo(16, 0), side, 1, 20)).toBeNull();
    expect(affectedHemisphere(hypo(10, 6), side, 1, 5)).toBeNull();
  });
});

describe(referenceCbf.name, () => {
  // normal tissue: 40 and 60 alternating on the right (mean 50), 100 on the left; the lesion's CBF 5
  const cbf = mapOf((x, y) => (inBox(x, y, 12, 3, 4) ? 5 : x < 10 ? ((x + y) % 2 ? 40 : 60) : 100));

  it('is the mean CBF of normal tissue (Tmax < 4 s) on the unaffected side', () => {
    expect(referenceCbf(cbf, lesionTmax(), tissue, side, 'left')).toBeCloseTo(50, 9);
    expect(referenceCbf(cbf, lesionTmax(), tissue, side, 'right')).toBeCloseTo(100, 9);
  });

  it('takes both sides when none is affected, without the hypoperfused tissue', () => {
    // 100 right voxels (mean 50) and 84 normal left ones (100); of the 184, the 1 % trim drops one 40 and one 100
    expect(referenceCbf(cbf, lesionTmax(), tissue, side, null)).toBeCloseTo((100 * 50 - 40 + 84 * 100 - 100) / 182, 9);
  });

  it('trims 1 % at each end: one outlier among 100 values moves nothing', () => {
    const values = mapOf((x) => (x < 10 ? 50 : 0));
    values[at(0, 0)] = 5000;
    values[at(1, 0)] = -5000;
    expect(
      referenceCbf(
        values,
        mapOf(() => 2),
        tissue,
        side,
        'left',
      ),
    ).toBeCloseTo(50, 9);
  });

  it('fails with DeconvolutionError when no tissue is normal', () => {
    expect(() =>
      referenceCbf(
        cbf,
        mapOf(() => 4),
        tissue,
        side,
        null,
      ),
    ).toThrow(DeconvolutionError);
  });
});

describe(coreMask.name, () => {
  const cbf = mapOf((x, y) => (inBox(x, y, 13, 4, 2) ? 10 : x === 1 && y === 1 ? 5 : 50));

  it('is rCBF < 30 % within Tmax > 6 s', () => {
    const { rcbf, core } = coreMask(cbf, lesionTmax(), tissue, 50, true);
    expect(rcbf[at(13, 4)]).toBeCloseTo(0.2, 6);
    expect(rcbf[at(0, 0)]).toBeCloseTo(1, 6);
    expect(maskVolumeMl(core, 1)).toBe(4);
    expect(core[at(1, 1)]).toBe(0); // low flow, but not hypoperfused
  });

  it('counts low flow anywhere when not limited to the hypoperfusion', () => {
    const { core } = coreMask(cbf, lesionTmax(), tissue, 50, false);
    expect(maskVolumeMl(core, 1)).toBe(5);
    expect(core[at(1, 1)]).toBe(1);
  });
});

describe(measureLesions.name, () => {
  it('measures a left lesion: volumes, side, the reference on the right, the core', () => {
    const cbf = mapOf((x, y) => (inBox(x, y, 13, 4, 2) ? 10 : inBox(x, y, 12, 3, 4) ? 30 : x < 10 ? 50 : 70));
    const lesions = measureLesions(geometry, { cbf, tmax: lesionTmax(), tissue }, side, DEFAULT_PERFUSION_OPTIONS.lesions);
    expect(lesions.volumes).toEqual({ coreVolumeMl: 4, hypoperfusionVolumeMl: 16, tmax10VolumeMl: 4 });
    expect(lesions.affectedHemisphere).toBe('left');
    expect(lesions.referenceCbf).toBeCloseTo(50, 9);
    expect(lesions.rcbf[at(0, 0)]).toBeCloseTo(1, 6);
  });

  it('drops a core smaller than the minimum cluster', () => {
    const cbf = mapOf((x, y) => (x === 13 && y === 4 ? 10 : 50));
    const lesions = measureLesions(geometry, { cbf, tmax: lesionTmax(), tissue }, side, { ...DEFAULT_PERFUSION_OPTIONS.lesions, minClusterMl: 2 });
    expect(lesions.volumes.coreVolumeMl).toBe(0);
  });
});
