import type { ClassificationManifest } from '../model-manifest';
import { manifestFixture } from '../test/manifest.fixture';
import { classificationFindings } from './classification-result';

const LABELS = [
  { code: { scheme: 'DCM', value: '112001', meaning: 'Opacity' } },
  { key: 'other', index: 2, code: { scheme: 'SCT', value: '52988006', meaning: 'Lesion' }, threshold: 0.9 },
];

const manifest = (activation: string, consumes = 'image', aggregate = 'max') =>
  manifestFixture<ClassificationManifest>({
    task: 'classification',
    appliesTo: { Modality: ['DX'] },
    consumes,
    input: { name: 'x', layout: 'NCHW', shape: ['N', 1, 'H', 'W'] },
    preprocessing: [],
    output: { tensor: { name: 'y', shape: ['N', 3] }, activation, aggregate, labels: LABELS },
  });

describe(classificationFindings.name, () => {
  it('applies sigmoid per label and each label its threshold', () => {
    const [a, b] = classificationFindings(manifest('sigmoid'), [{ data: Float32Array.from([0, 5, 2]), dims: [1, 3] }], [[0]], 1);
    expect(a).toMatchObject({ key: '112001', probability: 0.5, threshold: 0.5, present: true });
    expect(b.key).toBe('other');
    expect(b.probability).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(b.present).toBe(false); // 0.88 < 0.9
  });

  it('applies softmax over the scores', () => {
    const [a] = classificationFindings(manifest('softmax'), [{ data: Float32Array.from([Math.log(2), Math.log(1), Math.log(1)]), dims: [1, 3] }], [[0]], 1);
    expect(a.probability).toBeCloseTo(0.5, 6);
  });

  it('combines slices by max or mean, across runs, and keeps each slice', () => {
    const runs = [
      { data: Float32Array.from([0.1, 0, 0.2, 0.7, 0, 0.95]), dims: [2, 3] },
      { data: Float32Array.from([0.4, 0, 0.1]), dims: [1, 3] },
    ];
    const [max, other] = classificationFindings(manifest('none', 'slices'), runs, [[0, 1], [2]], 3);
    expect(max.probability).toBeCloseTo(0.7, 6);
    expect(max.perSlice!.map((v) => Math.round(v * 10) / 10)).toEqual([0.1, 0.7, 0.4]);
    expect(other.present).toBe(true);
    const [mean] = classificationFindings(manifest('none', 'slices', 'mean'), runs, [[0, 1], [2]], 3);
    expect(mean.probability).toBeCloseTo(0.4, 6);
  });
});
