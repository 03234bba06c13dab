import Ajv2020 from 'ajv/dist/2020';
import { ANALYSIS_RESULT_JSON_SCHEMA as schema, resultValue } from '@nidus/analysis';
import { syntheticPerfusionResult } from '@nidus/testing';
import { ctpResult } from './ctp-result';
import { ctpView } from './ctp-view';

describe(ctpResult.name, () => {
  const perfusion = syntheticPerfusionResult({
    rows: 16,
    columns: 16,
    slices: 4,
    hypoperfusion: { z: [0, 4], y: [2, 12], x: [2, 10] },
    core: { z: [1, 3], y: [4, 8], x: [4, 8] },
    voxelMl: 0.05,
  });
  const series = {
    StudyInstanceUID: '1.2.3',
    SeriesInstanceUID: '1.2.3.4',
    SeriesDescription: 'CTP',
    instances: 80,
    SOPInstanceUIDs: Array.from({ length: 20 }, () => ['1', '2', '3', '4']),
  };
  const result = ctpResult({
    summary: perfusion.summary,
    quality: perfusion,
    maps: perfusion.maps,
    voxelVolumeMl: 0.05,
    series,
    warnings: ['a warning'],
    timings: { deconvolution: 1.23456 },
    version: '0.2.0',
    model: { id: 'ctp-deconvolution', version: '1', sha256: 'b'.repeat(64) },
  });

  it('is a result in the common shape (the JSON Schema of the repository) with the perfusion contract beside it', () => {
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(result)))).toBe(true);
    expect(result).toMatchObject({
      coreVolumeMl: perfusion.summary.coreVolumeMl,
      hypoperfusionVolumeMl: perfusion.summary.hypoperfusionVolumeMl,
      eligibility: perfusion.summary.eligibility,
      series: { SeriesInstanceUID: '1.2.3.4', slices: 4, timePoints: 20, instances: 80 },
      warnings: ['a warning'],
      timings: { deconvolution: 1.235 },
    });
  });

  it('says the same numbers in its common parts as in its own fields, and the masks count their voxels', () => {
    const at = (path: string) => resultValue(result, path.split('.'));
    expect(at('measurements.core.volumeMl')).toBe(result.coreVolumeMl);
    expect(at('measurements.hypoperfusion.volumeMl')).toBe(result.hypoperfusionVolumeMl);
    expect(at('measurements.tmax10.volumeMl')).toBe(result.tmax10VolumeMl);
    expect(at('measurements.mismatch.ratio')).toBe(result.mismatchRatio);
    expect(at('findings.defuse3.present')).toBe(result.eligibility.defuse3);
    expect(at('findings.core.present')).toBe(result.coreVolumeMl > 0);
    const core = perfusion.maps.coreMask.reduce((s, v) => s + v, 0);
    expect(result.masks.map((m) => [m.number, m.key, m.voxels])).toEqual([
      [1, 'core', core],
      [2, 'hypoperfusion', perfusion.maps.hypoperfusionMask.reduce((s, v) => s + v, 0)],
    ]);
    expect(result.masks[0].volumeMl).toBeCloseTo(core * 0.05, 6);
  });

  it('shows the numbers a stroke team acts on, with units, and one summary line', () => {
    const view = ctpView(result);
    expect(view.fields.find((f) => f.key === 'coreVolumeMl')).toMatchObject({ unit: 'mL', value: Math.round(result.coreVolumeMl * 10) / 10 });
    expect(view.fields.map((f) => f.key)).toEqual(
      expect.arrayContaining(['hypoperfusionVolumeMl', 'mismatchRatio', 'affectedHemisphere', 'eligibility.defuse3', 'eligibility.extend']),
    );
    expect(view.summary).toContain(`core ${Math.round(result.coreVolumeMl * 10) / 10} mL`);
    expect(view.keyImage?.svg).toMatch(/^<svg /);
  });

  it('carries the quality checks as result fields, and poor quality lowers the confidence with the reason in the one line', () => {
    expect(result.quality).toEqual({ confidence: 'reduced', reasons: perfusion.quality.problems });
    expect(result.qc).toMatchObject({
      bolusTruncated: true,
      venousEndFraction: 1,
      usableBrainFraction: 0.9,
      arterial: { voxelCount: 4, locationsMm: perfusion.quality.arterialLocationsMm },
      venous: { voxelCount: 6, locationsMm: perfusion.quality.venousLocationsMm },
      motion: { excluded: 0, maxShiftMm: 0, timePoints: perfusion.motion.timePoints },
    });
    const view = ctpView(result);
    expect(view.quality).toEqual(result.quality);
    expect(view.summary).toMatch(/; REDUCED CONFIDENCE: bolus truncated: the venous curve is still at 100 % of its peak at the end of the scan$/);
    expect(view.summary.split('\n')).toHaveLength(1);
    expect(view.fields.find((f) => f.key === 'quality.confidence')?.value).toBe('reduced');
    const good = ctpView({ ...result, quality: { confidence: 'high', reasons: [] } });
    expect(good.summary).not.toMatch(/CONFIDENCE/);
  });

  it('charts the curves with their locations and the motion with the left-out images marked; a result without qc has none', () => {
    const moved = {
      ...result,
      qc: {
        ...result.qc,
        motion: {
          ...result.qc.motion,
          excluded: 1,
          timePoints: result.qc.motion.timePoints.map((m, i) => (i === 2 ? { ...m, shiftMm: 11, included: false } : m)),
        },
      },
    };
    const [curves, motion] = ctpView(moved).charts!;
    expect(curves.series.map((s) => [s.label, s.points.length])).toEqual([
      ['AIF', result.qc.arterial.timesSeconds.length],
      ['VOF', result.qc.venous.timesSeconds.length],
    ]);
    expect(curves.series[0].points[1]).toEqual([result.qc.arterial.timesSeconds[1], result.qc.arterial.values[1]]);
    expect(curves.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AIF: 4 voxels around \(/),
        expect.stringMatching(/^Bolus truncated: the venous curve ends at 100 % of its peak$/),
        'Usable brain: 90 %',
      ]),
    );
    expect(motion.series[0].points[2]).toEqual([result.qc.motion.timePoints[2].timeSeconds, 11]);
    expect(motion.series[0].marked).toEqual([2]);
    expect(motion.notes).toContain(`1 of ${result.qc.motion.timePoints.length} images left out`);
    // stored before quality control existed: no qc, no quality, no charts, and the view still stands
    const { qc: _qc, quality: _quality, ...legacy } = result;
    const old = ctpView(legacy as never);
    expect(old.charts).toBeUndefined();
    expect(old.quality).toBeUndefined();
    expect(old.summary).toContain('core');
  });
});
