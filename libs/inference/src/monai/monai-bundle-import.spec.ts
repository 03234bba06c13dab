import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPart10, writePart10 } from '@nidus/dicom';
import { BUNDLE_INFERENCE, bundleFiles } from '../../../../scripts/generate-example-monai-bundle';
import { diceCoefficient, PLANES, syntheticBrainMr } from '@nidus/testing';
import { UnsupportedMonaiBundleError } from '../inference.errors';
import { ModelRegistry } from '../model-registry';
import { ModelRunner } from '../model-runner';
import { OnnxSessionRepository } from '../onnx-session.repository';
import { importMonaiBundle } from './monai-bundle-import';

const FIXTURE = resolve(__dirname, '../../../../fixtures/example-monai-bundle');
const LESION = { scheme: 'DCM' as const, value: '110702', meaning: 'White Matter T2 Hyperintensity' };

describe(importMonaiBundle.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-bundle-'));
    cpSync(FIXTURE, join(dir, 'lesion-bundle'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const bundle = () => join(dir, 'lesion-bundle');
  const editInference = (edit: (config: any) => void) => {
    const config = JSON.parse(JSON.stringify(BUNDLE_INFERENCE));
    edit(config);
    writeFileSync(join(bundle(), 'configs', 'inference.json'), JSON.stringify(config));
  };
  const problems = (options = {}) => {
    try {
      importMonaiBundle(bundle(), { codes: { lesion: LESION }, ...options });
    } catch (error) {
      expect(error).toBeInstanceOf(UnsupportedMonaiBundleError);
      return (error as UnsupportedMonaiBundleError).problems;
    }
    throw new Error('the import should have failed');
  };

  it('the committed fixture is what its generator writes', () => {
    for (const [path, content] of Object.entries(bundleFiles())) expect(Buffer.from(readFileSync(join(FIXTURE, path))).equals(Buffer.from(content))).toBe(true);
  });

  it('writes the manifest of the bundle: route, input, preprocessing in order, output', () => {
    const { manifest, warnings, onnxPath } = importMonaiBundle(bundle(), { codes: { lesion: LESION } });
    expect(onnxPath).toBe(join(bundle(), 'models', 'model.onnx'));
    expect(manifest).toMatchObject({
      id: 'lesion-bundle',
      version: '0.1.0',
      task: 'segmentation',
      appliesTo: { Modality: ['MR'] },
      consumes: 'volume',
      input: { name: 'image', layout: 'NCDHW', shape: [1, 1, 'D', 'H', 'W'] },
      preprocessing: [
        { op: 'modalityLut' },
        { op: 'orient', to: 'RAS' },
        { op: 'resample', spacingMm: [2, 2, 3], interpolation: 'linear' },
        { op: 'normalize', mode: 'zscore', nonzero: true, background: 'zero' },
      ],
      output: {
        tensor: { name: 'pred', shape: [1, 2, 'D', 'H', 'W'] },
        activation: 'softmax',
        mask: 'argmax',
        background: 0,
        classes: [{ key: 'lesion', index: 1, code: LESION }],
      },
    });
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(warnings.join('\n')).toMatch(/SlidingWindowInferer \(roi_size \[96,96,32\]\)/);
    expect(warnings.join('\n')).toMatch(/channel_wise is moot/);
  });

  it('the imported model runs and its mask lines up with the lesion', async () => {
    const { manifest, onnxPath } = importMonaiBundle(bundle(), { codes: { lesion: LESION }, id: 'imported' });
    const models = join(dir, 'models');
    cpSync(onnxPath, join(models, 'imported', 'model.onnx'), { recursive: true });
    writeFileSync(join(models, 'imported', 'model.json'), JSON.stringify(manifest));
    const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
    try {
      const mr = syntheticBrainMr({ orientation: PLANES.coronal, slices: 36, lesion: { centreMm: [-20, 12, 15], radiiMm: [9, 10, 8] }, seed: 12 });
      const result = await new ModelRunner(new ModelRegistry(models), sessions).run(
        'imported',
        mr.images.map((e) => readPart10(writePart10(e))),
      );
      if (result.task !== 'segmentation') throw new Error('segmentation expected');
      expect(diceCoefficient(result.segments[0].mask, mr.truth)).toBeGreaterThanOrEqual(0.85);
    } finally {
      await sessions.release();
    }
  });

  it('names each transform outside the subset and each expression it would have to evaluate, and fails', () => {
    editInference((c) => {
      c.preprocessing.transforms.splice(4, 0, { _target_: 'ScaleIntensityd', keys: 'image' }, { _target_: 'RandFlipd', keys: ['image', 'label'], prob: 0.5 });
      c.preprocessing.transforms.push({ _target_: 'Spacingd', keys: 'image', pixdim: '$[1.0, 1.0, 1.0]' });
      c.preprocessing.transforms.push({ _target_: 'monai.transforms.Resized', keys: 'image', spatial_size: [96, -1, 32] });
      c.postprocessing.transforms.push({ _target_: 'KeepLargestConnectedComponentd', keys: 'pred' });
    });
    const listed = problems().join('\n');
    expect(listed).toMatch(/preprocessing transform 4 \(ScaleIntensityd\): not in the supported subset/);
    expect(listed).toMatch(/preprocessing transform 5 \(RandFlipd\): not in the supported subset/);
    expect(listed).toMatch(/preprocessing#transforms#8#pixdim: "\$\[1.0, 1.0, 1.0\]" is a Python expression/);
    expect(listed).toMatch(/preprocessing transform 9 \(Resized\): spatial size \[96,-1,32\]/);
    expect(listed).toMatch(/postprocessing transform 4 \(KeepLargestConnectedComponentd\): not in the supported subset/);
  });

  it('transforms of other keys are left alone, and references are followed', () => {
    editInference((c) => {
      c.label_transforms = [{ _target_: 'RandFlipd', keys: 'label' }];
      c.preprocessing.transforms.splice(1, 0, { _target_: 'RandFlipd', keys: 'label' });
      c.my_spacing = [1.5, 1.5, 2.5];
      c.preprocessing.transforms[4].pixdim = '@my_spacing';
    });
    const { manifest } = importMonaiBundle(bundle(), { codes: { lesion: LESION } });
    expect(manifest.preprocessing).toContainEqual({ op: 'resample', spacingMm: [1.5, 1.5, 2.5], interpolation: 'linear' });
  });

  it('maps crops, pads, ranges and resizes, and adds the reader axis order without Orientationd', () => {
    editInference((c) => {
      c.preprocessing.transforms = [
        { _target_: 'LoadImaged', keys: 'image' },
        { _target_: 'ScaleIntensityRanged', keys: 'image', a_min: -57, a_max: 164, b_min: 0, b_max: 1, clip: true },
        { _target_: 'SpatialPadd', keys: 'image', spatial_size: [96, 96, 32] },
        { _target_: 'CenterSpatialCropd', keys: 'image', roi_size: [96, 96, 32] },
        { _target_: 'ResizeWithPadOrCropd', keys: 'image', spatial_size: 64 },
        { _target_: 'Resized', keys: 'image', spatial_size: [64, 64, 32], mode: 'trilinear' },
      ];
    });
    const { manifest, warnings } = importMonaiBundle(bundle(), { codes: { lesion: LESION } });
    expect(manifest.preprocessing).toEqual([
      { op: 'modalityLut' },
      { op: 'orient', to: 'xyz' },
      { op: 'scaleIntensity', from: [-57, 164], to: [0, 1], clip: true },
      { op: 'cropOrPad', shape: [96, 96, 32], crop: false, pad: true, padMode: 'constant', padValue: 0 },
      { op: 'cropOrPad', shape: [96, 96, 32], crop: true, pad: false, padMode: 'constant', padValue: 0 },
      { op: 'cropOrPad', shape: [64, 64, 64], crop: true, pad: true, padMode: 'constant', padValue: 0 },
      { op: 'resize', shape: [64, 64, 32], interpolation: 'linear' },
    ]);
    expect(warnings.join()).toMatch(/no Orientationd/);
  });

  it('fails without a code for each output channel, without the ONNX export, and for 2D bundles', () => {
    expect(problems({ codes: {} }).join()).toMatch(/output channel 1 \(lesion\) has no code: give codes\["lesion"\]/);
    rmSync(join(bundle(), 'models', 'model.onnx'));
    expect(problems().join()).toMatch(/model.onnx is missing: export the network to ONNX first/);
    const metadata = JSON.parse(readFileSync(join(bundle(), 'configs', 'metadata.json'), 'utf8'));
    metadata.network_data_format.inputs.image.spatial_shape = [256, 256];
    writeFileSync(join(bundle(), 'configs', 'metadata.json'), JSON.stringify(metadata));
    expect(problems().join()).toMatch(/spatial_shape of 2 axes; the import takes 3D bundles/);
  });
});
