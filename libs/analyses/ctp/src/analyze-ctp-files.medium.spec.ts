import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelRegistry, OnnxDeconvolver, OnnxSessionRepository } from '@nidus/inference';
import { NotPerfusionSeriesError } from '@nidus/perfusion';
import { generateHeadPhantom, nonUniformSamplingTimes, SeededRandom, writePhantomSeries } from '@nidus/testing';
import { analyzeCtpFiles } from './analyze-ctp-files';

const ROOT = resolve(__dirname, '../../../..');
const FIXTURE = join(ROOT, 'fixtures', 'example-ctp');

describe(analyzeCtpFiles.name, () => {
  const sessions = new OnnxSessionRepository();
  const deconvolver = new OnnxDeconvolver(new ModelRegistry(join(ROOT, 'models')), sessions);
  afterAll(() => sessions.release());

  it('analyses the bundled example study (deflated files) within the phantom tolerances of its truth.json', async () => {
    const truth = JSON.parse(readFileSync(join(FIXTURE, 'truth.json'), 'utf8'));
    const paths = readdirSync(FIXTURE)
      .filter((n) => n.endsWith('.dcm'))
      .map((n) => join(FIXTURE, n));
    const stages: string[] = [];
    const { result, series, timings } = await analyzeCtpFiles(paths, { deconvolver, onProgress: (stage) => stages.push(stage) });
    expect(series).toMatchObject({ StudyInstanceUID: truth.StudyInstanceUID, SeriesInstanceUID: truth.SeriesInstanceUID, instances: 240, Modality: 'CT' });
    expect(series.SOPInstanceUIDs).toHaveLength(30);
    const s = result.summary;
    expect(Math.abs(s.hypoperfusionVolumeMl - truth.hypoperfusionVolumeMl)).toBeLessThanOrEqual(0.15 * truth.hypoperfusionVolumeMl);
    expect(Math.abs(s.coreVolumeMl - truth.coreVolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.3 * truth.coreVolumeMl));
    expect(Math.abs(s.tmax10VolumeMl - truth.tmax10VolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.35 * truth.tmax10VolumeMl));
    expect(s.affectedHemisphere).toBe('left');
    expect(s.eligibility).toEqual(truth.eligibility);
    expect(result.maps.columns * result.maps.rows * result.maps.slices).toBe(128 * 128 * 8);
    expect(Object.keys(timings)).toEqual(expect.arrayContaining(['load', 'decode', 'deconvolution', 'maps', 'volumes']));
    expect(stages[0]).toBe('load');
    expect(stages).toContain('deconvolution');
  });

  describe('with a written phantom series', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'nidus-ctp-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('picks the requested series among several and reads non-uniform acquisition times', async () => {
      const times = nonUniformSamplingTimes(26, new SeededRandom(9301));
      const a = generateHeadPhantom({ seed: 9301, columns: 64, slices: 2, timesSeconds: times, noiseHu: 6, lesion: { side: 'right' } });
      const b = generateHeadPhantom({ seed: 9302, columns: 64, slices: 2, timesSeconds: times, noiseHu: 6 });
      const first = writePhantomSeries(a.volume, join(dir, 'a'));
      const second = writePhantomSeries(b.volume, join(dir, 'b'), { StudyInstanceUID: first.StudyInstanceUID });
      const { series, result } = await analyzeCtpFiles([...second.paths, ...first.paths], { deconvolver, SeriesInstanceUID: first.SeriesInstanceUID });
      expect(series.SeriesInstanceUID).toBe(first.SeriesInstanceUID);
      expect(series.instances).toBe(52);
      expect(result.arterialInputFunction.timesSeconds.map((t) => Math.round(t * 1000) / 1000)).toEqual(times.map((t) => Math.round(t * 1000) / 1000));
      expect(result.summary.affectedHemisphere).toBe('right');
    });

    it('refuses a series of one time point as not a perfusion series', async () => {
      const c = generateHeadPhantom({ seed: 9303, columns: 32, slices: 3, timesSeconds: [0], noiseHu: 6 });
      const files = writePhantomSeries(c.volume, join(dir, 'c'));
      await expect(analyzeCtpFiles(files.paths, { deconvolver })).rejects.toThrow(NotPerfusionSeriesError);
    });
  });
});
