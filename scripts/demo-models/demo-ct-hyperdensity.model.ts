/**
 * demo-ct-hyperdensity: a fixed-weight segmentation graph on each slice of a head CT (256 x 256, windowed
 * 0..100 HU onto [0, 1]). A 3 x 3 mean smooths the slice; the band score min(x - LOW, HIGH - x) (in window
 * units) is positive for 50..90 HU, the range of fresh blood, and a 9 x 9 max filter of the pixels at the
 * window's top (bone) pushes it down beside the skull so that the partial-volume rim of bone is not taken
 * for blood. The two channels [0, SLOPE * score] go through the manifest's softmax: lesion where score > 0.
 *
 *   image [N, 1, 256, 256] -> Conv(mean 3 x 3) -> band = min(s - LOW, HIGH - s)
 *   bone = MaxPool9(image > BONE) ; logit = SLOPE * band - SLOPE * bone
 *   logits = Concat(0, logit) [N, 2, 256, 256]
 */
import { encodeModel, FLOAT, floatTensor, intAttribute, intsAttribute, node, valueInfo } from '../onnx-graph';
import { DEMO_NOTICE, type DemoModel } from './demo-model';

export const CT_SIZE = 256;
/** band limits in window units ([0, 1] for 0..100 HU) */
export const CT_LOW = 0.5;
export const CT_HIGH = 0.9;
export const CT_BONE = 0.99;
export const CT_BONE_RADIUS = 4;
export const CT_SLOPE = 40;

export function buildCtHyperdensityModel(): Uint8Array {
  const k = 2 * CT_BONE_RADIUS + 1;
  const initializer = [
    floatTensor('mean3', new Array(9).fill(1 / 9), [1, 1, 3, 3]),
    floatTensor('low', [CT_LOW], []),
    floatTensor('high', [CT_HIGH], []),
    floatTensor('bone_level', [CT_BONE], []),
    floatTensor('slope', [CT_SLOPE], []),
    floatTensor('zero', [0], []),
  ];
  const nodes = [
    node('Conv', ['image', 'mean3'], ['smooth'], [intsAttribute('kernel_shape', [3, 3]), intsAttribute('pads', [1, 1, 1, 1])]),
    node('Sub', ['smooth', 'low'], ['above_low']),
    node('Sub', ['high', 'smooth'], ['below_high']),
    node('Min', ['above_low', 'below_high'], ['band']),
    node('Greater', ['image', 'bone_level'], ['is_bone']),
    node('Cast', ['is_bone'], ['bone'], [intAttribute('to', FLOAT)]),
    node(
      'MaxPool',
      ['bone'],
      ['near_bone'],
      [intsAttribute('kernel_shape', [k, k]), intsAttribute('pads', [CT_BONE_RADIUS, CT_BONE_RADIUS, CT_BONE_RADIUS, CT_BONE_RADIUS])],
    ),
    node('Sub', ['band', 'near_bone'], ['score']),
    node('Mul', ['score', 'slope'], ['lesion_logit']),
    node('Mul', ['lesion_logit', 'zero'], ['background_logit']),
    node('Concat', ['background_logit', 'lesion_logit'], ['logits'], [intAttribute('axis', 1)]),
  ];
  return encodeModel(
    {
      name: 'demo_ct_hyperdensity',
      node: nodes,
      initializer,
      input: [valueInfo('image', FLOAT, ['N', 1, CT_SIZE, CT_SIZE])],
      output: [valueInfo('logits', FLOAT, ['N', 2, CT_SIZE, CT_SIZE])],
    },
    { producerVersion: '1.0.0', docString: `${DEMO_NOTICE}. Hyperdensity (50-90 HU) band segmentation of head CT slices.` },
  );
}

export const demoCtHyperdensity: DemoModel = {
  id: 'demo-ct-hyperdensity',
  build: buildCtHyperdensityModel,
  manifest: (sha256) => ({
    id: 'demo-ct-hyperdensity',
    version: '1.0.0',
    file: 'model.onnx',
    sha256,
    task: 'segmentation',
    description: `${DEMO_NOTICE}. Segments each head CT slice where the smoothed density lies in 50-90 HU away from bone: the synthetic haemorrhage-like blob of Nidus's test head CT. Calcifications, contrast and beam hardening fool it.`,
    intendedUse:
      'Shows how a slice segmentation model plugs into Nidus (SEG, volume, alert rule). Not a medical device: not for diagnosis, triage or any clinical decision.',
    authors: 'Nidus contributors',
    license: 'Apache-2.0',
    appliesTo: { Modality: ['CT'], BodyPartExamined: ['HEAD', 'BRAIN'], minSlices: 5 },
    consumes: 'slices',
    input: { name: 'image', layout: 'NCHW', dtype: 'float32', shape: ['N', 1, CT_SIZE, CT_SIZE] },
    preprocessing: [
      { op: 'modalityLut' },
      { op: 'window', use: 'declared', center: 50, width: 100, function: 'LINEAR_EXACT', range: [0, 1] },
      { op: 'resize', shape: [CT_SIZE, CT_SIZE], interpolation: 'linear' },
    ],
    output: {
      tensor: { name: 'logits', dtype: 'float32', shape: ['N', 2, CT_SIZE, CT_SIZE] },
      activation: 'softmax',
      background: 0,
      classes: [
        {
          key: 'hyperdensity',
          index: 1,
          code: { scheme: 'SCT', value: '50960005', meaning: 'Hemorrhage' },
          colour: [255, 64, 64],
          minComponentMl: 0.05,
          measurements: ['volumeMl', 'largestDiameterMm'],
        },
      ],
    },
    runtime: { timeLimitSeconds: 60, batchSize: 8 },
  }),
};
