import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPart10, writePart10, type DicomElements } from '@nidus/dicom';
import { DEMO_MODELS, demoModelFiles } from '../../../scripts/generate-demo-models';
import { diceCoefficient, PLANES, syntheticBrainMr, syntheticHeadCt, syntheticRadiograph, SeededRandom } from '@nidus/testing';
import { isFindingsManifest } from './model-manifest';
import { ModelRegistry } from './model-registry';
import { ModelRunner, type ModelResult } from './model-runner';
import { OnnxSessionRepository } from './onnx-session.repository';

// The demonstration models end to end on synthetic images whose truth is known, varied in position, size,
// contrast, orientation and scale: they find what they are documented to find, and only that.

const MODELS = resolve(__dirname, '../../../models');
const datasets = (images: DicomElements[]) => images.map((e) => readPart10(writePart10(e)));

function segment(result: ModelResult) {
  if (result.task !== 'segmentation') throw new Error('not a segmentation');
  return result.segments[0];
}

function probability(result: ModelResult): number {
  if (result.task !== 'classification') throw new Error('not a classification');
  return result.findings[0].probability;
}

describe('demo models', () => {
  const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
  const runner = new ModelRunner(new ModelRegistry(MODELS), sessions);
  afterAll(() => sessions.release());

  it.each(DEMO_MODELS.map((m) => [m.id, m] as const))('%s: the generator reproduces the committed model.onnx and model.json', (id, model) => {
    const files = demoModelFiles(model);
    expect(Buffer.from(files.onnx).equals(readFileSync(join(MODELS, id, 'model.onnx')))).toBe(true);
    expect(files.json).toBe(readFileSync(join(MODELS, id, 'model.json'), 'utf8'));
    const registered = new ModelRegistry(MODELS).get(id);
    expect(isFindingsManifest(registered.manifest)).toBe(true);
    expect(registered.manifest.sha256).toBe(files.sha256);
  });

  it('demo-cxr-opacity gives MONOCHROME1 and MONOCHROME2 the same probability, and finds the opacity at 2000 x 2400', async () => {
    const opacity = { x: 620, y: 1050, radiusPx: 80, contrast: 0.2 };
    const mono2 = await runner.run('demo-cxr-opacity', datasets([syntheticRadiograph({ opacity, seed: 11 }).elements]));
    const mono1 = await runner.run(
      'demo-cxr-opacity',
      datasets([syntheticRadiograph({ opacity, seed: 11, PhotometricInterpretation: 'MONOCHROME1' }).elements]),
    );
    expect(probability(mono2)).toBeGreaterThan(0.9);
    expect(probability(mono1)).toBeCloseTo(probability(mono2), 5);
    expect(mono2.task === 'classification' && mono2.findings[0]).toMatchObject({ key: 'opacity', present: true, code: { scheme: 'DCM', value: '112001' } });
  });

  it('demo-cxr-opacity: present for round opacities of the documented sizes anywhere in the lungs, absent without one', async () => {
    const random = new SeededRandom(5150);
    for (let i = 0; i < 6; i++) {
      const lung = random.pick([0.3, 0.7]);
      const opacity = {
        x: (lung + random.uniform(-0.06, 0.06)) * 1000,
        y: random.uniform(0.3, 0.55) * 1200,
        radiusPx: random.uniform(20, 50),
        contrast: random.uniform(0.15, 0.3),
      };
      const seed = 100 + i;
      const photometric = random.pick(['MONOCHROME1', 'MONOCHROME2'] as const);
      const positive = await runner.run(
        'demo-cxr-opacity',
        datasets([syntheticRadiograph({ rows: 1200, columns: 1000, opacity, seed, PhotometricInterpretation: photometric }).elements]),
      );
      const negative = await runner.run(
        'demo-cxr-opacity',
        datasets([syntheticRadiograph({ rows: 1200, columns: 1000, seed, PhotometricInterpretation: photometric }).elements]),
      );
      expect({ opacity, p: probability(positive) > 0.5 }).toEqual({ opacity, p: true });
      expect(probability(negative)).toBeLessThan(0.2);
    }
  });

  it('demo-ct-hyperdensity: the mask lines up with the blob (Dice >= 0.85) and its volume is the blob volume; nothing without one', async () => {
    const random = new SeededRandom(77);
    for (let i = 0; i < 2; i++) {
      const blob = {
        centreMm: [random.uniform(-25, 25), random.uniform(-30, 30), random.uniform(-15, 20)] as [number, number, number],
        radiiMm: [random.uniform(8, 18), random.uniform(8, 16), random.uniform(8, 14)] as [number, number, number],
      };
      const ct = syntheticHeadCt({ blob, seed: 300 + i, rows: 384, columns: 384, pixelSpacingMm: 0.6 });
      const s = segment(await runner.run('demo-ct-hyperdensity', datasets(ct.images)));
      const truthVoxels = ct.truth.reduce((a, b) => a + b, 0);
      const voxelMl = (ct.spacingMm[0] * ct.spacingMm[1] * ct.spacingMm[2]) / 1000;
      expect(diceCoefficient(s.mask, ct.truth)).toBeGreaterThanOrEqual(0.85);
      expect(Math.abs(s.volumeMl! - truthVoxels * voxelMl) / (truthVoxels * voxelMl)).toBeLessThan(0.15);
      expect(s.components).toBe(1);
      // the longest in-plane extent is at most the blob's largest in-plane diameter
      expect(s.largestDiameterMm!).toBeLessThanOrEqual(2 * Math.max(blob.radiiMm[0], blob.radiiMm[1]) + 1);
      expect(s.largestDiameterMm!).toBeGreaterThan(2 * Math.max(blob.radiiMm[0], blob.radiiMm[1]) * 0.6);
    }
    const negative = segment(
      await runner.run('demo-ct-hyperdensity', datasets(syntheticHeadCt({ seed: 399, rows: 384, columns: 384, pixelSpacingMm: 0.6 }).images)),
    );
    expect(negative).toMatchObject({ voxels: 0, present: false, volumeMl: 0 });
  });

  it('demo-mr-lesion: axial, sagittal and coronal series give masks on their own slices that line up with the lesion', async () => {
    const lesion = { centreMm: [22, 8, 18] as [number, number, number], radiiMm: [10, 8, 9] as [number, number, number] };
    for (const [plane, scale] of [
      ['axial', 1],
      ['sagittal', 3.5],
      ['coronal', 0.4],
    ] as const) {
      const mr = syntheticBrainMr({ lesion, orientation: PLANES[plane], slices: plane === 'axial' ? 28 : 36, scale, seed: 40 });
      const result = await runner.run('demo-mr-lesion', datasets(mr.images));
      const s = segment(result);
      expect(result.geometry.SOPInstanceUIDs).toHaveLength(mr.slices);
      expect({ plane, dice: diceCoefficient(s.mask, mr.truth) >= 0.85 }).toEqual({ plane, dice: true });
      expect(s.components).toBe(1);
    }
    const none = segment(await runner.run('demo-mr-lesion', datasets(syntheticBrainMr({ seed: 41 }).images)));
    expect(none.present).toBe(false);
  });
});
