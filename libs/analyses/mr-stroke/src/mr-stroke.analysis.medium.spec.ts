import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AnalysisInputError } from '@nidus/analysis';
import { openAnalyses } from '@nidus/analyses';
import { readPart10 } from '@nidus/dicom';
import { readFileSync } from 'node:fs';
import { dciodvfy, dsrdump, generateMrStrokePhantom, writeEnhancedMrStudy, writeMrStudy, type BValueConvention } from '@nidus/testing';
import { NO_PERFUSION_WARNING } from './analyze-mr-stroke-files';
import { MR_STROKE_ANALYSIS_ID, type MrStrokeResult } from './mr-stroke-result';

const ROOT = resolve(__dirname, '../../../..');
// each case generates, writes and analyses a whole study: minutes on a busy 2-core machine
jest.setTimeout(300_000);

// Seeds never looked at while writing the method (the DSC model was written on 41-45, the diffusion core on 21-25).
describe('MrStrokeAnalysis', () => {
  const installed = openAnalyses({ nidusVersion: '0.0.0-test', modelsDir: join(ROOT, 'models') });
  const analysis = installed.registry.get(MR_STROKE_ANALYSIS_ID);
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'nidus-mr-stroke-'))));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await installed.close();
  });

  const study = (
    seed: number,
    side: 'left' | 'right' | null,
    options: { dsc?: boolean; bValues?: BValueConvention; adcOnly?: boolean; otherFrame?: boolean } = {},
  ) => {
    const p = generateMrStrokePhantom({
      seed,
      lesion: side ? { side } : null,
      slices: 6,
      dsc: options.dsc === false ? null : { columns: 80, timePoints: 45 },
      dwi: { columns: 96 },
    });
    const written = writeMrStudy(p, join(dir, String(seed)), {
      bValues: options.bValues,
      adcMap: options.adcOnly,
      diffusionFrameOfReferenceUID: options.otherFrame ? '1.2.826.0.1.3680043.10.999.1' : undefined,
    });
    const series = [...(options.adcOnly ? [written.adc!] : written.diffusion!), ...(written.dsc ? [written.dsc] : [])];
    return { p, written, input: { StudyInstanceUID: written.StudyInstanceUID, series, uidSeed: `seed-${seed}` } };
  };

  it('is installed as a study-level analysis with diffusion, ADC and perfusion roles', () => {
    expect(analysis.level).toBe('study');
    expect(analysis.study?.roles).toEqual(['diffusion', 'adc', 'perfusion']);
    expect(analysis.study?.complete(['diffusion', 'perfusion'])).toBe(true);
    expect(analysis.study?.complete(['diffusion'])).toBe(false);
    expect(analysis.study?.ready(['adc'])).toBe(true);
    expect(analysis.study?.ready(['perfusion'])).toBe(false);
  });

  it.each([
    [701, 'left', 'siemens'],
    [702, 'right', 'ge'],
  ] as const)(
    'phantom %i (%s, %s b-values): core, Tmax > 6 s, mismatch, eligibility and side within the bounds, valid SEG and SR',
    async (seed, side, bValues) => {
      const { p, input } = study(seed, side, { bValues });
      const run = await analysis.run(input);
      const r = run.result as MrStrokeResult;
      const t = p.truth;
      expect(Math.abs(r.coreVolumeMl - t.coreVolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.3 * t.coreVolumeMl));
      expect(Math.abs(r.hypoperfusionVolumeMl! - t.hypoperfusionVolumeMl!)).toBeLessThanOrEqual(0.15 * t.hypoperfusionVolumeMl!);
      expect(r.affectedHemisphere).toBe(side);
      expect(r.eligibility).toEqual(t.eligibility);
      expect(r.perfusionAvailable).toBe(true);
      expect(r.adcSource).toBe('computed');
      expect(r.sameFrameOfReference).toBe(true);
      expect(r.series.map((s) => s.role).sort()).toEqual(['diffusion', 'perfusion']);
      expect(r.mismatchVolumeMl).toBeCloseTo(Math.max(0, r.hypoperfusionVolumeMl! - r.coreVolumeMl), 2);

      const objects = await run.buildObjects();
      expect(objects.map((o) => o.kind).slice(0, 2)).toEqual(['seg', 'sr']);
      expect(objects.filter((o) => o.kind === 'sc')).toHaveLength(8); // a summary image per slice (6), the mosaic and the quality page
      for (const o of objects.slice(0, 2)) expect(dciodvfy(o.bytes).errors).toEqual([]);
      const sr = dsrdump(objects[1].bytes).stdout;
      expect(sr).toContain('Ischemic core (ADC < 620 x'); // dsrdump cuts long text
      expect(sr).toContain('Hypoperfusion (Tmax > 6 s)');
      const seg = readPart10(objects[0].bytes);
      expect(seg.string('SeriesDescription')).toBe('NIDUS MR STROKE SEG');
      expect(seg.string('StudyInstanceUID')).toBe(input.StudyInstanceUID);
    },
  );

  it('finds a healthy study healthy: under 5 mL of core and of Tmax > 6 s, nothing eligible', async () => {
    const { input } = study(703, null);
    const r = (await analysis.run(input)).result as MrStrokeResult;
    expect(r.coreVolumeMl).toBeLessThan(5);
    expect(r.hypoperfusionVolumeMl!).toBeLessThan(5);
    expect(r.eligibility).toEqual({ defuse3: false, extend: false });
    expect(analysis.view(r).summary).not.toMatch(/eligible/);
  });

  it('gives the core alone, saying so, when the study has no DSC series; with only the scanner ADC map too', async () => {
    const { p, input } = study(704, 'right', { dsc: false, adcOnly: true });
    const run = await analysis.run(input);
    const r = run.result as MrStrokeResult;
    expect(r.perfusionAvailable).toBe(false);
    expect(r.adcSource).toBe('scanner');
    expect(r.warnings).toContain(NO_PERFUSION_WARNING);
    expect(r.hypoperfusionVolumeMl).toBeNull();
    expect(r.eligibility).toEqual({ defuse3: false, extend: false });
    expect(Math.abs(r.coreVolumeMl - p.truth.coreVolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.3 * p.truth.coreVolumeMl));
    expect(r.affectedHemisphere).toBe('right');
    expect(analysis.view(r).summary).toContain('core only');
    expect(await run.buildObjects()).toEqual([]);
  });

  it('says when diffusion and perfusion have different frames of reference', async () => {
    const { input } = study(705, 'left', { otherFrame: true });
    const r = (await analysis.run(input)).result as MrStrokeResult;
    expect(r.sameFrameOfReference).toBe(false);
    expect(r.warnings.some((w) => /different frames of reference/.test(w))).toBe(true);
  });

  it('refuses a study without diffusion with the reason (an input error: not retried)', async () => {
    const { written } = study(706, 'left', {});
    await expect(analysis.run({ StudyInstanceUID: written.StudyInstanceUID, series: [written.dsc!] })).rejects.toThrow(AnalysisInputError);
    await expect(analysis.run({ StudyInstanceUID: written.StudyInstanceUID, series: [written.dsc!] })).rejects.toThrow(/no diffusion series/);
  });

  it('analyses the same study written as Enhanced MR (multi-frame, functional groups) as it does the classic images', async () => {
    const p = generateMrStrokePhantom({ seed: 707, lesion: { side: 'right' }, slices: 6, dsc: { columns: 80, timePoints: 45 }, dwi: { columns: 96 } });
    const classic = writeMrStudy(p, join(dir, '707-classic'));
    const enhanced = writeEnhancedMrStudy(p, join(dir, '707-enhanced'));
    // one file per acquisition, each valid Enhanced MR Image Storage
    expect(enhanced.paths).toHaveLength(2);
    for (const path of enhanced.paths) {
      const ds = readPart10(readFileSync(path));
      expect(ds.string('SOPClassUID')).toBe('1.2.840.10008.5.1.4.1.1.4.1');
      expect({ path, errors: dciodvfy(readFileSync(path)).errors }).toEqual({ path, errors: [] });
    }
    const input = (w: typeof classic) => ({ StudyInstanceUID: w.StudyInstanceUID, series: [...w.diffusion!, w.dsc!], uidSeed: 'seed-707' });
    const a = (await analysis.run(input(classic))).result as MrStrokeResult;
    const run = await analysis.run(input(enhanced));
    const b = run.result as MrStrokeResult;
    expect(b.series.map((s) => [s.role, s.instances]).sort()).toEqual([
      ['diffusion', 1],
      ['perfusion', 1],
    ]);
    for (const key of ['coreVolumeMl', 'hypoperfusionVolumeMl', 'tmax10VolumeMl', 'mismatchVolumeMl'] as const) expect(b[key]).toBeCloseTo(a[key]!, 1);
    expect(b.affectedHemisphere).toBe('right');
    expect(b.eligibility).toEqual(a.eligibility);
    expect(b.adcSource).toBe('computed');
    expect(b.sameFrameOfReference).toBe(true);
    const objects = await run.buildObjects();
    for (const o of objects.slice(0, 2)) expect({ kind: o.kind, errors: dciodvfy(o.bytes).errors }).toEqual({ kind: o.kind, errors: [] });
    // the study's roles are recognised from the enhanced headers, as study completion does
    const header = readPart10(readFileSync(enhanced.dsc!.paths[0]), { untilTag: 'x7fe00010' });
    const summary = { StudyInstanceUID: '1', SeriesInstanceUID: '2', Modality: 'MR', ImageType: [], instanceCount: 1, slices: 1, timePoints: 1 };
    expect(analysis.study?.roleOf(summary, [header])).toBe('perfusion');
    expect(analysis.study?.roleOf(summary, [readPart10(readFileSync(enhanced.diffusion![0].paths[0]), { untilTag: 'x7fe00010' })])).toBe('diffusion');
  });
});
