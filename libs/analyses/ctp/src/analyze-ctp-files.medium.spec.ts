import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelRegistry, OnnxDeconvolver, OnnxSessionRepository } from '@nidus/inference';
import { NotPerfusionSeriesError } from '@nidus/perfusion';
import { TruncatedDicomError } from '@nidus/dicom';
import { generateHeadPhantom, nonUniformSamplingTimes, SeededRandom, uniformSamplingTimes, writePhantomSeries } from '@nidus/testing';
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

    it('leaves out a time point whose image cannot be read, says which and why, and keeps the numbers; refuses past 10 %', async () => {
      const times = uniformSamplingTimes(30, 1.5);
      const phantom = generateHeadPhantom({ seed: 9304, columns: 64, slices: 3, timesSeconds: times, noiseHu: 5, lesion: { side: 'left' } });
      const files = writePhantomSeries(phantom.volume, join(dir, 'd'));
      const intact = await analyzeCtpFiles(files.paths, { deconvolver });
      // files are written time point after time point: cut one image of time point 12 (slice 2) in its Pixel Data
      const cutPath = files.paths[11 * 3 + 1];
      const whole = readFileSync(cutPath);
      writeFileSync(cutPath, whole.subarray(0, whole.length - 3000));
      const cutUid = intact.series.SOPInstanceUIDs[11][1];
      const { result, series, warnings } = await analyzeCtpFiles(files.paths, { deconvolver });
      expect(series.SOPInstanceUIDs).toHaveLength(29);
      expect(series.SOPInstanceUIDs.flat()).not.toContain(cutUid);
      expect(series.instances).toBe(87);
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^time point 12 \\(16\\.5 s\\) left out: image ${cutUid.replace(/\./g, '\\.')} \\(slice 2\\) unusable`)),
        ]),
      );
      expect(result.arterialInputFunction.timesSeconds).toHaveLength(29);
      const a = intact.result.summary;
      const b = result.summary;
      expect(Math.abs(b.hypoperfusionVolumeMl - a.hypoperfusionVolumeMl)).toBeLessThanOrEqual(Math.max(1, 0.1 * a.hypoperfusionVolumeMl));
      expect(Math.abs(b.coreVolumeMl - a.coreVolumeMl)).toBeLessThanOrEqual(Math.max(1, 0.15 * a.coreVolumeMl));
      expect(b.affectedHemisphere).toBe(a.affectedHemisphere);
      expect(b.eligibility).toEqual(a.eligibility);
      // the first time point too: the times count from the next one
      const firstPath = files.paths[0];
      const first = readFileSync(firstPath);
      writeFileSync(firstPath, first.subarray(0, first.length - 100));
      const later = await analyzeCtpFiles(files.paths, { deconvolver });
      expect(later.series.SOPInstanceUIDs).toHaveLength(28);
      expect(later.result.arterialInputFunction.timesSeconds[0]).toBe(0);
      expect(later.warnings.filter((w) => w.includes('left out'))).toHaveLength(2);
      // four time points of 30 unreadable (more than 10 %): refused with the image's own error, as before
      for (const t of [20, 25]) {
        const path = files.paths[t * 3];
        const bytes = readFileSync(path);
        writeFileSync(path, bytes.subarray(0, bytes.length - 100));
      }
      await expect(analyzeCtpFiles(files.paths, { deconvolver })).rejects.toBeInstanceOf(TruncatedDicomError);
    });

    it('bins each frame as it is decoded: the same answer as from the whole volume, also with a time point left out', async () => {
      const times = uniformSamplingTimes(30, 1.5);
      // 256 pixels of about 0.9 mm: the grid is a 2 x 2 block average, as 512-pixel series are 4 x 4
      const phantom = generateHeadPhantom({ seed: 9305, columns: 256, slices: 3, timesSeconds: times, noiseHu: 5, lesion: { side: 'left' } });
      const files = writePhantomSeries(phantom.volume, join(dir, 'e'));
      const same = async () => {
        const whole = await analyzeCtpFiles(files.paths, { deconvolver, keepVolume: true });
        const streamed = await analyzeCtpFiles(files.paths, { deconvolver, keepAnatomy: true });
        expect(whole.volume).toBeDefined();
        expect(streamed.volume).toBeUndefined();
        // the anatomy is the first time point kept, at full resolution
        const { data, ...geometry } = whole.volume!;
        expect(streamed.anatomy).toEqual({ ...geometry, data: data.slice(0, 3 * 256 * 256) });
        expect(streamed.result.maps.columns).toBe(256);
        expect({ ...streamed.result, timings: {} }).toEqual({ ...whole.result, timings: {} });
        expect(streamed.series).toEqual(whole.series);
        expect(streamed.warnings).toEqual(whole.warnings);
        return streamed;
      };
      await same();
      const cutPath = files.paths[7 * 3 + 1];
      const bytes = readFileSync(cutPath);
      writeFileSync(cutPath, bytes.subarray(0, bytes.length - 2000));
      const cut = await same();
      expect(cut.series.SOPInstanceUIDs).toHaveLength(29);
      // and with the first time point left out, the anatomy is the second one's
      const firstPath = files.paths[2];
      const first = readFileSync(firstPath);
      writeFileSync(firstPath, first.subarray(0, first.length - 2000));
      const later = await same();
      expect(later.series.SOPInstanceUIDs).toHaveLength(28);
      expect(later.anatomy!.SOPInstanceUIDs[0]).toEqual(cut.series.SOPInstanceUIDs[1]);
    });

    it('refuses a series of one time point as not a perfusion series', async () => {
      const c = generateHeadPhantom({ seed: 9303, columns: 32, slices: 3, timesSeconds: [0], noiseHu: 6 });
      const files = writePhantomSeries(c.volume, join(dir, 'c'));
      await expect(analyzeCtpFiles(files.paths, { deconvolver })).rejects.toThrow(NotPerfusionSeriesError);
    });
  });
});
