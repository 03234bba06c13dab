import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10 } from '@nidus/dicom';
import { sameBytes } from '../arrays/same-bytes';
import { generateHeadPhantom } from './head-phantom';
import { TissueLabel } from './phantom-truth';
import { writePhantomSeries } from './phantom-dicom-writer';
import { nonUniformSamplingTimes, uniformSamplingTimes } from './sampling-times';
import { SeededRandom } from './seeded-random';
import { TracerKinetics, DEFAULT_ARTERIAL_INPUT, tissueScale, PHANTOM_HEMATOCRIT_CONSTANT, PHANTOM_TISSUE_DENSITY } from './tracer-curves';

describe(generateHeadPhantom.name, () => {
  const times = uniformSamplingTimes(20, 2);

  it('is reproducible from its seed and differs between seeds', () => {
    const a = generateHeadPhantom({ seed: 1, columns: 48, slices: 2, timesSeconds: times, noiseHu: 7, lesion: { side: 'left' } });
    const b = generateHeadPhantom({ seed: 1, columns: 48, slices: 2, timesSeconds: times, noiseHu: 7, lesion: { side: 'left' } });
    const c = generateHeadPhantom({ seed: 2, columns: 48, slices: 2, timesSeconds: times, noiseHu: 7, lesion: { side: 'left' } });
    expect(sameBytes(a.volume.data, b.volume.data)).toBe(true);
    expect(a.truth.volumes).toEqual(b.truth.volumes);
    expect(sameBytes(a.volume.data, c.volume.data)).toBe(false);
  });

  it('lays out LPS: the lesion on the patient left is at the high column indices', () => {
    const p = generateHeadPhantom({ seed: 3, columns: 64, slices: 2, timesSeconds: times, noiseHu: 0, lesion: { side: 'left' }, rotationDegrees: 0 });
    const { columns, rows } = p.volume;
    let left = 0;
    let right = 0;
    p.truth.hypoperfusionMask.forEach((m, i) => m && (i % columns >= columns / 2 ? left++ : right++));
    expect(left).toBeGreaterThan(0);
    expect(right).toBe(0);
    expect(p.truth.affectedHemisphere).toBe('left');
    expect(p.volume.ImageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
    expect(p.volume.ImagePositionPatient[1][2] - p.volume.ImagePositionPatient[0][2]).toBeCloseTo(p.volume.spacingMm[2]);
    expect(p.volume.data.length).toBe(columns * rows * 2 * times.length);
  });

  it('has skull, CSF, grey and white matter, vessels and a healthy truth with nothing to treat', () => {
    const p = generateHeadPhantom({ seed: 4, columns: 96, slices: 2, timesSeconds: times, noiseHu: 5 });
    const labels = new Set(p.truth.labels);
    for (const label of [TissueLabel.Bone, TissueLabel.Csf, TissueLabel.GreyMatter, TissueLabel.WhiteMatter, TissueLabel.Vessel])
      expect(labels).toContain(label);
    expect(p.truth.volumes).toMatchObject({ coreVolumeMl: 0, hypoperfusionVolumeMl: 0, tmax10VolumeMl: 0 });
    expect(p.truth.eligibility).toEqual({ defuse3: false, extend: false });
    expect(p.truth.affectedHemisphere).toBeNull();
  });

  it('makes tissue curves whose area ratio to the AIF is (rho / kH) CBV, for every residue shape', () => {
    const long = uniformSamplingTimes(400, 0.5);
    const kinetics = new TracerKinetics({ ...DEFAULT_ARTERIAL_INPUT, recirculationFraction: 0 }, long);
    const aif = kinetics.arterialAtTimes();
    const aifArea = aif.reduce((s, v) => s + v, 0);
    for (const shape of ['exponential', 'box', 'linear'] as const) {
      const cbf = 50;
      const mtt = 5;
      const curve = kinetics.unitTissueCurve(shape, mtt, 3).map((v) => v * tissueScale(cbf));
      const ratio = curve.reduce((s, v) => s + v, 0) / aifArea;
      const cbv = (cbf * mtt) / 60;
      expect(ratio).toBeCloseTo(((PHANTOM_TISSUE_DENSITY / PHANTOM_HEMATOCRIT_CONSTANT) * cbv) / 100, 3);
    }
  });

  it('samples non-uniformly: sparse baseline, dense first pass, sparse wash-out', () => {
    const t = nonUniformSamplingTimes(30, new SeededRandom(5));
    const gaps = t.slice(1).map((v, i) => v - t[i]);
    expect(Math.max(...gaps)).toBeGreaterThan(2.5);
    expect(Math.min(...gaps)).toBeLessThan(1.2);
  });
});

describe(writePhantomSeries.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-phantom-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one valid CT image per slice and time point that reads back to the phantom HU', () => {
    const p = generateHeadPhantom({ seed: 6, columns: 32, slices: 2, timesSeconds: [0, 1.5, 3.25], noiseHu: 5, lesion: { side: 'right' } });
    const series = writePhantomSeries(p.volume, dir);
    expect(series.paths).toHaveLength(6);
    const path = series.paths[3]; // t = 1, z = 1
    const ds = readPart10(readFileSync(path));
    expect(ds.string('SOPClassUID')).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(ds.string('ImageType')).toBe('ORIGINAL\\PRIMARY\\AXIAL');
    expect(ds.string('StudyDescription')).toBe('CT PERFUSION HEAD');
    expect(ds.string('BodyPartExamined')).toBe('HEAD');
    expect(ds.string('AcquisitionTime')).toBe('101501.500000');
    expect(ds.numbers('ImagePositionPatient')).toEqual(p.volume.ImagePositionPatient[1].map((v) => expect.closeTo(v, 4)));
    expect(ds.number('RescaleIntercept')).toBe(-1024);
    const pixels = ds.bytes('PixelData')!;
    const stored = new Int16Array(pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength));
    const frame = 32 * 32;
    const offset = (1 * 2 + 1) * frame;
    for (const i of [0, 100, 517, 1023]) expect(stored[i] - 1024).toBe(p.volume.data[offset + i]);
    // dicom3tools: no errors in the CT Image IOD
    const run = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
    const report = `${run.stdout}${run.stderr}`;
    expect(report).toMatch(/CTImage/);
    expect(report).not.toMatch(/^Error/m);
  });
});
