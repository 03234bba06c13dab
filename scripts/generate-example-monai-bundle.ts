/**
 * Writes fixtures/example-monai-bundle: a small MONAI Bundle (configs/metadata.json, configs/inference.json,
 * models/model.onnx) in the layout of the MONAI Model Zoo, for the test of importMonaiBundle and for trying
 * `nidus models import`. The network is a fixed-weight demonstration, plainly not clinical: two channels,
 * background 0 and lesion 4 x (binomial-smoothed z-score - 1.8), on any volume size. Run: `npm run build` then
 * `node dist/scripts/generate-example-monai-bundle.js`.
 */
import '../bench/register-aliases';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mrKernel } from './demo-models/demo-mr-lesion.model';
import { encodeModel, FLOAT, floatTensor, intAttribute, intsAttribute, node, valueInfo } from './onnx-graph';
import { repositoryRoot } from './repository-root';

export function buildBundleNetwork(): Uint8Array {
  return encodeModel(
    {
      name: 'bundle_lesion_net',
      node: [
        node('Conv', ['image', 'smoothing'], ['smooth'], [intsAttribute('kernel_shape', [3, 3, 3]), intsAttribute('pads', [1, 1, 1, 1, 1, 1])]),
        node('Sub', ['smooth', 'z'], ['above']),
        node('Mul', ['above', 'slope'], ['lesion']),
        node('Mul', ['lesion', 'zero'], ['background']),
        node('Concat', ['background', 'lesion'], ['pred'], [intAttribute('axis', 1)]),
      ],
      initializer: [
        floatTensor('smoothing', mrKernel(), [1, 1, 3, 3, 3]),
        floatTensor('z', [1.8], []),
        floatTensor('slope', [4], []),
        floatTensor('zero', [0], []),
      ],
      input: [valueInfo('image', FLOAT, [1, 1, 'D', 'H', 'W'])],
      output: [valueInfo('pred', FLOAT, [1, 2, 'D', 'H', 'W'])],
    },
    {
      producerVersion: '0.1.0',
      docString: 'DEMONSTRATION ONLY, NOT FOR CLINICAL USE: fixed weights, no training. Bright-lesion network of a test MONAI bundle.',
    },
  );
}

export const BUNDLE_METADATA = {
  schema: 'https://github.com/Project-MONAI/MONAI-extra-test-data/releases/download/0.8.1/meta_schema_20220324.json',
  version: '0.1.0',
  changelog: { '0.1.0': 'first version' },
  monai_version: '1.3.0',
  name: 'Example bright-lesion segmentation (demonstration)',
  task: 'Bright lesion segmentation of a FLAIR-like brain MR',
  description: 'DEMONSTRATION ONLY, NOT FOR CLINICAL USE. Fixed weights: voxels more than 1.8 standard deviations above the head mean after smoothing.',
  authors: 'Nidus contributors',
  copyright: 'Apache-2.0',
  intended_use: 'Testing the MONAI Bundle import of Nidus. Not for diagnosis.',
  network_data_format: {
    inputs: {
      image: {
        type: 'image',
        format: 'magnitude',
        modality: 'MR',
        num_channels: 1,
        spatial_shape: [96, 96, 32],
        dtype: 'float32',
        value_range: [],
        is_patch_data: true,
        channel_def: { '0': 'image' },
      },
    },
    outputs: {
      pred: {
        type: 'image',
        format: 'segmentation',
        num_channels: 2,
        spatial_shape: [96, 96, 32],
        dtype: 'float32',
        value_range: [0, 1],
        is_patch_data: true,
        channel_def: { '0': 'background', '1': 'lesion' },
      },
    },
  },
};

export const BUNDLE_INFERENCE = {
  imports: ['$import glob', '$import os'],
  bundle_root: '.',
  output_dir: "$@bundle_root + '/eval'",
  image_key: 'image',
  device: "$torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')",
  preprocessing: {
    _target_: 'Compose',
    transforms: [
      { _target_: 'LoadImaged', keys: '@image_key', image_only: true },
      { _target_: 'EnsureChannelFirstd', keys: '@image_key' },
      { _target_: 'Orientationd', keys: '@image_key', axcodes: 'RAS' },
      { _target_: 'Spacingd', keys: '@image_key', pixdim: [2.0, 2.0, 3.0], mode: 'bilinear' },
      { _target_: 'NormalizeIntensityd', keys: '@image_key', nonzero: true, channel_wise: true },
      { _target_: 'EnsureTyped', keys: '@image_key' },
    ],
  },
  inferer: { _target_: 'SlidingWindowInferer', roi_size: [96, 96, 32], sw_batch_size: 1, overlap: 0.25 },
  postprocessing: {
    _target_: 'Compose',
    transforms: [
      { _target_: 'Activationsd', keys: 'pred', softmax: true },
      { _target_: 'Invertd', keys: 'pred', transform: '@preprocessing', orig_keys: '@image_key' },
      { _target_: 'AsDiscreted', keys: 'pred', argmax: true },
      { _target_: 'SaveImaged', keys: 'pred', output_dir: '@output_dir' },
    ],
  },
};

export function bundleFiles(): Record<string, Uint8Array | string> {
  return {
    'configs/metadata.json': JSON.stringify(BUNDLE_METADATA, null, 2) + '\n',
    'configs/inference.json': JSON.stringify(BUNDLE_INFERENCE, null, 2) + '\n',
    'models/model.onnx': buildBundleNetwork(),
  };
}

export function writeExampleMonaiBundle(directory = join(repositoryRoot(), 'fixtures', 'example-monai-bundle')): string {
  for (const [path, content] of Object.entries(bundleFiles())) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), content);
  }
  return directory;
}

if (require.main === module) process.stdout.write(`wrote ${writeExampleMonaiBundle()}\n`);
