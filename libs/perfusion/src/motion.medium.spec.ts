import {
  generateMovingHeadPhantom,
  nonUniformSamplingTimes,
  SeededRandom,
  uniformSamplingTimes,
  type HeadMotion,
  type MovingHeadPhantom,
} from '@nidus/testing';
import { analyzePerfusion } from './analyze-perfusion';
import { MatrixDeconvolver } from './circulant-deconvolution';
import type { PerfusionResult } from './perfusion-result';

// Heads that move during the scan (libs/testing moving-head-phantom.ts: the head of the still phantom of the same
// seed, each image rendered in its pose): shifts of 1-5 mm and turns of 0.5-3 degrees, sudden and slow, early and
// late, with and without lesions, left and right, uniform and non-uniform sampling. Seeds never used elsewhere.
interface Case {
  name: string;
  seed: number;
  side: 'left' | 'right' | null;
  motion: HeadMotion;
  sampling?: 'non-uniform';
  refusedWithoutCorrection?: boolean;
}

const CASES: Case[] = [
  {
    name: 'healthy, 1 mm and 0.5 degrees from a third of the scan on, then halfway back (the report of issue 18)',
    seed: 9201,
    side: null,
    refusedWithoutCorrection: true,
    motion: { startSeconds: 20, rampSeconds: 0, shiftMm: [1, 0], rotationDegrees: 0.5, returnFraction: 0.5 },
  },
  {
    name: 'right lesion, slow 5 mm and 3 degrees early (4-16 s)',
    seed: 9202,
    side: 'right',
    motion: { startSeconds: 4, rampSeconds: 12, shiftMm: [5, 0], rotationDegrees: 3 },
  },
  {
    name: 'left lesion, sudden and late (40 s): 3.6 mm, -2 degrees about the back of the head',
    seed: 9203,
    side: 'left',
    refusedWithoutCorrection: true,
    motion: { startSeconds: 40, rampSeconds: 0, shiftMm: [-3, 2], rotationDegrees: -2, pivotMm: [0, 70] },
  },
  {
    name: 'left lesion, sudden 4 mm and -3 degrees at 12 s, non-uniform sampling',
    seed: 9205,
    side: 'left',
    motion: { startSeconds: 12, rampSeconds: 0, shiftMm: [0, 4], rotationDegrees: -3 },
    sampling: 'non-uniform',
  },
  {
    name: 'right lesion, slow 2.7 mm and 1.5 degrees over the bolus (10-30 s), a third back',
    seed: 9207,
    side: 'right',
    motion: { startSeconds: 10, rampSeconds: 20, shiftMm: [-2.5, -1], rotationDegrees: 1.5, returnFraction: 0.33 },
  },
];

function phantomOf(c: Case): MovingHeadPhantom {
  const timesSeconds = c.sampling ? nonUniformSamplingTimes(32, new SeededRandom(c.seed)) : uniformSamplingTimes(30, 2);
  return generateMovingHeadPhantom({
    seed: c.seed,
    columns: 96,
    slices: 4,
    timesSeconds,
    noiseHu: 7,
    lesion: c.side ? { side: c.side } : null,
    motion: c.motion,
  });
}

describe('perfusion of a moving head', () => {
  const deconvolver = new MatrixDeconvolver();

  describe.each(CASES)('$name', (c) => {
    let phantom: MovingHeadPhantom;
    let result: PerfusionResult;
    beforeAll(async () => {
      phantom = phantomOf(c);
      result = await analyzePerfusion(phantom.volume, deconvolver);
    });

    // Without correction the moved skull looks like contrast in the first image; one case of each kind shows it
    // (each refusal is a whole second analysis).
    if (c.refusedWithoutCorrection) {
      it('is refused without motion correction: the moved skull looks like contrast in the first image', async () => {
        await expect(analyzePerfusion(phantom.volume, deconvolver, { motionCorrection: false })).rejects.toMatchObject({
          name: 'SeriesTooShortError',
          reason: expect.stringMatching(/contrast is already present in the first image/),
        });
      });
    }

    it('recovers the motion of every image within 0.3 mm and 0.2 degrees, and says so', () => {
      const { motion } = result;
      const ipp = phantom.volume.ImagePositionPatient[0];
      const centre: [number, number] = [motion.centreMm[0] - ipp[0], motion.centreMm[1] - ipp[1]];
      expect(motion.timePoints).toHaveLength(phantom.poses.length);
      motion.timePoints.forEach((m, t) => {
        const [dx, dy] = phantom.displacementAt(t, centre);
        expect(Math.hypot(m.translationMm[0] - dx, m.translationMm[1] - dy)).toBeLessThan(0.3);
        expect(Math.abs(m.rotationDegrees - phantom.poses[t].rotationDegrees)).toBeLessThan(0.2);
        expect(m.included).toBe(true);
        expect(m.corrected).toBe(phantom.poses[t].amount > 0.05);
      });
      expect(result.summary.warnings).toContainEqual(expect.stringMatching(/^head motion corrected in \d+ of \d+ images/));
    });

    if (c.side) {
      it('meets the still bounds: Tmax > 6 s within 15 %, core within 30 % or 6 mL, side and DEFUSE 3 right', () => {
        const truth = phantom.truth.volumes;
        const { summary } = result;
        expect(Math.abs(summary.hypoperfusionVolumeMl - truth.hypoperfusionVolumeMl)).toBeLessThanOrEqual(0.15 * truth.hypoperfusionVolumeMl);
        expect(Math.abs(summary.coreVolumeMl - truth.coreVolumeMl)).toBeLessThanOrEqual(Math.max(6, 0.3 * truth.coreVolumeMl));
        expect(summary.affectedHemisphere).toBe(c.side);
        expect(summary.eligibility.defuse3).toBe(phantom.truth.eligibility.defuse3);
      });
    } else {
      it('keeps the healthy brain quiet: no core, no hypoperfusion, no side, not eligible', () => {
        const { summary } = result;
        expect(summary.coreVolumeMl).toBeLessThan(5);
        expect(summary.hypoperfusionVolumeMl).toBeLessThan(5);
        expect(summary.affectedHemisphere).toBeNull();
        expect(summary.eligibility).toEqual({ defuse3: false, extend: false });
      });
    }
  });

  it('leaves out the images of a jerk beyond the limit (12 mm for two images), with a warning, and still measures', async () => {
    const phantom = generateMovingHeadPhantom({
      seed: 9211,
      columns: 96,
      slices: 4,
      timesSeconds: uniformSamplingTimes(30, 2),
      noiseHu: 7,
      lesion: { side: 'left' },
      motion: { startSeconds: 20, rampSeconds: 0, shiftMm: [12, 3], rotationDegrees: 2, endSeconds: 24 },
    });
    const { summary, motion } = await analyzePerfusion(phantom.volume, deconvolver);
    expect(motion.timePoints.filter((m) => !m.included).map((m) => m.timeSeconds)).toEqual([20, 22]);
    expect(summary.warnings).toContainEqual(
      expect.stringMatching(/^2 of 30 images left out: the head moved more than 10 mm or 6 degrees .*\(at 20 s, 22 s\)$/),
    );
    const truth = phantom.truth.volumes;
    expect(Math.abs(summary.hypoperfusionVolumeMl - truth.hypoperfusionVolumeMl)).toBeLessThanOrEqual(0.15 * truth.hypoperfusionVolumeMl);
    expect(summary.affectedHemisphere).toBe('left');
  });

  it('refuses, saying why, when the head moved beyond what can be corrected (15 mm and 8 degrees for most of the scan)', async () => {
    const phantom = generateMovingHeadPhantom({
      seed: 9212,
      columns: 96,
      slices: 4,
      timesSeconds: uniformSamplingTimes(30, 2),
      noiseHu: 7,
      lesion: { side: 'right' },
      motion: { startSeconds: 10, rampSeconds: 0, shiftMm: [15, 0], rotationDegrees: 8 },
    });
    await expect(analyzePerfusion(phantom.volume, deconvolver)).rejects.toMatchObject({
      name: 'ExcessiveMotionError',
      reason: expect.stringMatching(/^too much head motion to correct: in 25 of 30 images the head moved more than 10 mm or 6 degrees/),
    });
  });
});
