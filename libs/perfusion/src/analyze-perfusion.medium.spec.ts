import { generateHeadPhantom, nonUniformSamplingTimes, SeededRandom, uniformSamplingTimes, type HeadPhantom } from '@nidus/testing';
import { analyzePerfusion } from './analyze-perfusion';
import { MatrixDeconvolver } from './circulant-deconvolution';
import { NoArterialInputError, NotHeadError, NotPerfusionSeriesError, SeriesTooShortError } from './perfusion.errors';

// Phantoms on seeds and geometries that were never used while choosing the method's settings (those were
// seeds 11-48, 1001-1014 and 7001-7017): each case draws its own head shape, rotation, AIF, lesion and noise.
interface Case {
  name: string;
  seed: number;
  side: 'left' | 'right' | null;
  sampling: 'uniform' | 'nonuniform' | 'uniform40';
  noiseHu: number;
  coreSeverity?: number;
}

function phantomOf(c: Case): HeadPhantom {
  const times =
    c.sampling === 'uniform'
      ? uniformSamplingTimes(30, 2)
      : c.sampling === 'uniform40'
        ? uniformSamplingTimes(40, 1.5)
        : nonUniformSamplingTimes(32, new SeededRandom(c.seed));
  return generateHeadPhantom({
    seed: c.seed,
    columns: 96,
    slices: 4,
    timesSeconds: times,
    noiseHu: c.noiseHu,
    lesion: c.side ? { side: c.side, coreSeverity: c.coreSeverity } : null,
  });
}

describe(analyzePerfusion.name, () => {
  const deconvolver = new MatrixDeconvolver();

  describe.each<Case>([
    { name: 'healthy, uniform 2 s, 8 HU', seed: 9001, side: null, sampling: 'uniform', noiseHu: 8 },
    { name: 'healthy, non-uniform, 10 HU', seed: 9002, side: null, sampling: 'nonuniform', noiseHu: 10 },
  ])('$name', (c) => {
    it('finds no core and no hypoperfusion, no side, not eligible', async () => {
      const phantom = phantomOf(c);
      const { summary } = await analyzePerfusion(phantom.volume, deconvolver);
      expect(phantom.truth.volumes.hypoperfusionVolumeMl).toBe(0);
      expect(summary.coreVolumeMl).toBeLessThan(5);
      expect(summary.hypoperfusionVolumeMl).toBeLessThan(5);
      expect(summary.affectedHemisphere).toBeNull();
      expect(summary.eligibility).toEqual({ defuse3: false, extend: false });
    });
  });

  describe.each<Case>([
    { name: 'left lesion, uniform 2 s, 5 HU', seed: 9011, side: 'left', sampling: 'uniform', noiseHu: 5 },
    { name: 'right lesion, non-uniform, 10 HU', seed: 9012, side: 'right', sampling: 'nonuniform', noiseHu: 10 },
    { name: 'left lesion, 1.5 s x 40, 8 HU', seed: 9013, side: 'left', sampling: 'uniform40', noiseHu: 8 },
    { name: 'right lesion, uniform 2 s, 7 HU', seed: 9014, side: 'right', sampling: 'uniform', noiseHu: 7 },
    { name: 'left lesion with a large core (EXTEND only), non-uniform, 7 HU', seed: 9015, side: 'left', sampling: 'nonuniform', noiseHu: 7, coreSeverity: 0.3 },
    { name: 'right lesion with a large core (EXTEND only), uniform, 9 HU', seed: 9016, side: 'right', sampling: 'uniform', noiseHu: 9, coreSeverity: 0.3 },
  ])('$name', (c) => {
    let phantom: HeadPhantom;
    let summary: Awaited<ReturnType<typeof analyzePerfusion>>['summary'];
    beforeAll(async () => {
      phantom = phantomOf(c);
      summary = (await analyzePerfusion(phantom.volume, deconvolver)).summary;
    });

    it('measures Tmax > 6 s within 15 % of the truth', () => {
      const truth = phantom.truth.volumes.hypoperfusionVolumeMl;
      expect(truth).toBeGreaterThan(10);
      expect(Math.abs(summary.hypoperfusionVolumeMl - truth)).toBeLessThanOrEqual(0.15 * truth);
    });

    it('measures the core (rCBF < 30 %) within 30 % or 6 mL', () => {
      const truth = phantom.truth.volumes.coreVolumeMl;
      expect(Math.abs(summary.coreVolumeMl - truth)).toBeLessThanOrEqual(Math.max(6, 0.3 * truth));
    });

    it('measures Tmax > 10 s within 35 % or 6 mL', () => {
      const truth = phantom.truth.volumes.tmax10VolumeMl;
      expect(Math.abs(summary.tmax10VolumeMl - truth)).toBeLessThanOrEqual(Math.max(6, 0.35 * truth));
    });

    it('names the affected hemisphere and gives the DEFUSE 3 and EXTEND verdicts of the truth', () => {
      expect(summary.affectedHemisphere).toBe(c.side);
      expect(summary.eligibility).toEqual(phantom.truth.eligibility);
    });
  });

  it('reports each stage as it starts, in order, and the seconds of each step', async () => {
    const phantom = phantomOf({ name: 'progress', seed: 9021, side: 'right', sampling: 'uniform', noiseHu: 6 });
    const reports: [string, number][] = [];
    const { timings } = await analyzePerfusion(phantom.volume, deconvolver, { onProgress: (stage, fraction) => reports.push([stage, fraction]) });
    expect(reports).toEqual([
      ['prepare', 0],
      ['motion', 0.05],
      ['baseline', 0.1],
      ['mask', 0.2],
      ['vessels', 0.25],
      ['denoise', 0.35],
      ['deconvolution', 0.5],
      ['maps', 0.8],
      ['volumes', 0.9],
    ]);
    expect(Object.keys(timings)).toEqual(['prepare', 'motion', 'baseline', 'mask', 'mask/aif', 'denoise', 'deconvolution', 'bias tables', 'maps', 'volumes']);
    for (const seconds of Object.values(timings)) expect(seconds).toBeGreaterThanOrEqual(0);
  });

  describe('refuses to invent numbers', () => {
    const times = uniformSamplingTimes(30, 2);

    it('fails with NoArterialInputError on a series without contrast', async () => {
      const phantom = generateHeadPhantom({ seed: 9101, columns: 64, slices: 2, timesSeconds: times, noiseHu: 8, arterial: { peakHu: 0 } });
      await expect(analyzePerfusion(phantom.volume, deconvolver)).rejects.toThrow(NoArterialInputError);
      await expect(analyzePerfusion(phantom.volume, deconvolver)).rejects.toMatchObject({ reason: expect.stringMatching(/no contrast bolus/) });
    });

    it('fails with SeriesTooShortError when the series stops before the bolus has passed', async () => {
      const phantom = generateHeadPhantom({
        seed: 9102,
        columns: 64,
        slices: 2,
        timesSeconds: uniformSamplingTimes(12, 1.5),
        noiseHu: 6,
        arterial: { arrivalSeconds: 6 },
      });
      await expect(analyzePerfusion(phantom.volume, deconvolver)).rejects.toThrow(SeriesTooShortError);
    });

    it('fails with SeriesTooShortError when contrast is already in the first image', async () => {
      const phantom = generateHeadPhantom({
        seed: 9103,
        columns: 64,
        slices: 2,
        timesSeconds: times.map((t) => t + 9),
        noiseHu: 6,
        arterial: { arrivalSeconds: 2 },
      });
      await expect(analyzePerfusion(phantom.volume, deconvolver)).rejects.toMatchObject({
        name: 'SeriesTooShortError',
        reason: expect.stringMatching(/baseline/),
      });
    });

    it('fails with NotPerfusionSeriesError on too few time points', async () => {
      const phantom = generateHeadPhantom({ seed: 9104, columns: 64, slices: 2, timesSeconds: [0, 2, 4, 6], noiseHu: 6 });
      await expect(analyzePerfusion(phantom.volume, deconvolver)).rejects.toThrow(NotPerfusionSeriesError);
    });

    it('fails with NotHeadError when no bone encloses a brain', async () => {
      const phantom = generateHeadPhantom({ seed: 9105, columns: 64, slices: 2, timesSeconds: times, noiseHu: 6 });
      // remove the skull: bone becomes soft tissue
      const data = phantom.volume.data;
      for (let i = 0; i < data.length; i++) if (data[i] > 300) data[i] = 40;
      await expect(analyzePerfusion(phantom.volume, deconvolver)).rejects.toThrow(NotHeadError);
    });
  });
});
