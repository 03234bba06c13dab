/**
 * demo-mr-lesion: a fixed-weight 3D segmentation graph on a brain MR volume (FLAIR-like: lesions bright),
 * oriented to RAS, resampled to 2 x 2 x 3 mm, centre-cropped or padded to 112 x 112 x 48 and z-scored over the
 * head (values above 0). A 3 x 3 x 3 binomial filter ([1, 2, 1] / 4 per axis) smooths it; the logit SLOPE * (s - Z) makes "lesion" every voxel
 * more than Z standard deviations above the head's mean, through the manifest's sigmoid.
 *
 *   volume [1, 1, 112, 112, 48] -> Conv3d(binomial 3 x 3 x 3) -> (s - Z) x SLOPE -> logit [1, 1, 112, 112, 48]
 */
import { encodeModel, FLOAT, floatTensor, intsAttribute, node, valueInfo } from '../onnx-graph';
import { DEMO_NOTICE, type DemoModel } from './demo-model';

export const MR_SHAPE: [number, number, number] = [112, 112, 48];
export const MR_SPACING: [number, number, number] = [2, 2, 3];
export const MR_Z = 1.8;
export const MR_SLOPE = 4;

/** The 3 x 3 x 3 smoothing kernel: the outer product of [1, 2, 1] / 4 on each axis (weights sum to 1). */
export function mrKernel(): Float32Array {
  const k = [0.25, 0.5, 0.25];
  const out = new Float32Array(27);
  for (let z = 0; z < 3; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) out[(z * 3 + y) * 3 + x] = k[z] * k[y] * k[x];
  return out;
}

export function buildMrLesionModel(): Uint8Array {
  const initializer = [floatTensor('smoothing', mrKernel(), [1, 1, 3, 3, 3]), floatTensor('z', [MR_Z], []), floatTensor('slope', [MR_SLOPE], [])];
  const nodes = [
    node('Conv', ['volume', 'smoothing'], ['smooth'], [intsAttribute('kernel_shape', [3, 3, 3]), intsAttribute('pads', [1, 1, 1, 1, 1, 1])]),
    node('Sub', ['smooth', 'z'], ['above']),
    node('Mul', ['above', 'slope'], ['logit']),
  ];
  return encodeModel(
    {
      name: 'demo_mr_lesion',
      node: nodes,
      initializer,
      input: [valueInfo('volume', FLOAT, [1, 1, ...MR_SHAPE])],
      output: [valueInfo('logit', FLOAT, [1, 1, ...MR_SHAPE])],
    },
    { producerVersion: '1.0.0', docString: `${DEMO_NOTICE}. Bright-lesion segmentation of a z-scored brain MR volume.` },
  );
}

export const demoMrLesion: DemoModel = {
  id: 'demo-mr-lesion',
  build: buildMrLesionModel,
  manifest: (sha256) => ({
    id: 'demo-mr-lesion',
    version: '1.0.0',
    file: 'model.onnx',
    sha256,
    task: 'segmentation',
    description: `${DEMO_NOTICE}. Segments voxels of a brain MR volume (FLAIR-like contrast) more than ${MR_Z} standard deviations above the head's mean, after a 3 x 3 x 3 binomial smoothing: the synthetic bright lesion of Nidus's test MR. Vessels, fat and artefacts fool it.`,
    intendedUse:
      'Shows how a 3D volume segmentation model plugs into Nidus (orientation, resampling, SEG aligned with the source slices). Not a medical device: not for diagnosis, triage or any clinical decision.',
    authors: 'Nidus contributors',
    license: 'Apache-2.0',
    appliesTo: { Modality: ['MR'], minSlices: 8 },
    consumes: 'volume',
    input: { name: 'volume', layout: 'NCDHW', dtype: 'float32', shape: [1, 1, ...MR_SHAPE] },
    preprocessing: [
      { op: 'modalityLut' },
      { op: 'orient', to: 'RAS' },
      { op: 'resample', spacingMm: MR_SPACING, interpolation: 'linear' },
      { op: 'cropOrPad', shape: MR_SHAPE, padMode: 'constant', padValue: 0 },
      { op: 'normalize', mode: 'zscore', foregroundAbove: 0, background: 'zero' },
    ],
    output: {
      tensor: { name: 'logit', dtype: 'float32', shape: [1, 1, ...MR_SHAPE] },
      activation: 'sigmoid',
      threshold: 0.5,
      classes: [
        {
          key: 'lesion',
          index: 0,
          code: { scheme: 'DCM', value: '110702', meaning: 'White Matter T2 Hyperintensity' },
          colour: [255, 200, 0],
          minComponentMl: 0.05,
          measurements: ['volumeMl', 'largestDiameterMm'],
        },
      ],
    },
    runtime: { timeLimitSeconds: 60 },
  }),
};
