/**
 * demo-cxr-opacity: a fixed-weight classification graph on a frontal chest radiograph (256 x 256, windowed to
 * [0, 1], MONOCHROME1 shown as MONOCHROME2). At two scales (disc 4 px / ring 7-11 px, disc 8 px / ring 11-15
 * px) it compares the mean of a disc with the brightest of the eight sectors of the ring around it: a round
 * spot brighter than its surroundings on every side scores its contrast, while an edge (body outline, lung
 * border) or a ridge (a rib, a narrow band of soft tissue) scores about 0 because a sector lies along its
 * bright part. The largest score over both scales and the whole
 * image, minus THRESHOLD and times GAIN, is the logit of "opacity". Edge padding keeps the border from looking
 * like a spot.
 *
 *   image [1, 1, 256, 256] -> Pad(edge, 15) -> Conv(18 means, 31 x 31): per scale a disc and eight ring sectors
 *   -> per scale disc - max(sectors) -> ReduceMax over scales and space -> (x - THRESHOLD) x GAIN -> logit [1, 1]
 */
import { encodeModel, FLOAT, floatTensor, int64Tensor, intAttribute, intsAttribute, node, stringAttribute, valueInfo } from '../onnx-graph';
import { DEMO_NOTICE, type DemoModel } from './demo-model';

export const CXR_SIZE = 256;
export const CXR_KERNEL = 31;
/** [disc radius, ring inner radius, ring outer radius] in pixels at 256 x 256, per scale */
export const CXR_SCALES: [number, number, number][] = [
  [4, 7, 11],
  [8, 11, 15],
];
/** logit = GAIN * (largest score - THRESHOLD): a spot THRESHOLD brighter than all around it is probability 0.5 */
export const CXR_GAIN = 60;
export const CXR_THRESHOLD = 0.06;

export const CXR_SECTORS = 8;
const PER_SCALE = 1 + CXR_SECTORS;

/**
 * The averaging kernels, [scales x 9, 1, 31, 31] row-major: per scale the disc, then the eight ring sectors of
 * 45 degrees, the first centred on the right, going clockwise on the image (rows downwards).
 */
export function cxrKernels(): Float32Array {
  const k = CXR_KERNEL;
  const c = (k - 1) / 2;
  const out = new Float32Array(CXR_SCALES.length * PER_SCALE * k * k);
  CXR_SCALES.forEach(([disc, inner, outer], s) => {
    const members: number[][] = Array.from({ length: PER_SCALE }, () => []);
    for (let y = 0; y < k; y++)
      for (let x = 0; x < k; x++) {
        const r = Math.hypot(x - c, y - c);
        if (r <= disc) members[0].push(y * k + x);
        else if (r > inner && r <= outer) {
          const angle = Math.atan2(y - c, x - c); // -pi..pi, 0 to the right, pi/2 below
          const width = (2 * Math.PI) / CXR_SECTORS;
          const sector = Math.floor(((angle + width / 2 + 2 * Math.PI) % (2 * Math.PI)) / width) % CXR_SECTORS;
          members[1 + sector].push(y * k + x);
        }
      }
    members.forEach((list, m) => {
      for (const i of list) out[(s * PER_SCALE + m) * k * k + i] = 1 / list.length;
    });
  });
  return out;
}

export function buildCxrOpacityModel(): Uint8Array {
  const pad = (CXR_KERNEL - 1) / 2;
  const initializer = [
    floatTensor('kernels', cxrKernels(), [CXR_SCALES.length * PER_SCALE, 1, CXR_KERNEL, CXR_KERNEL]),
    int64Tensor('pads', [0, 0, pad, pad, 0, 0, pad, pad]),
    int64Tensor('logit_shape', [1, 1]),
    int64Tensor('channel_axis', [1]),
    floatTensor('gain', [CXR_GAIN], []),
    floatTensor('threshold', [CXR_THRESHOLD], []),
  ];
  const nodes = [
    node('Pad', ['image', 'pads'], ['padded'], [stringAttribute('mode', 'edge')]),
    node('Conv', ['padded', 'kernels'], ['means'], [intsAttribute('kernel_shape', [CXR_KERNEL, CXR_KERNEL])]),
  ];
  const scores: string[] = [];
  CXR_SCALES.forEach((_, s) => {
    initializer.push(
      int64Tensor(`disc_start_${s}`, [s * PER_SCALE]),
      int64Tensor(`disc_end_${s}`, [s * PER_SCALE + 1]),
      int64Tensor(`ring_end_${s}`, [(s + 1) * PER_SCALE]),
    );
    nodes.push(
      node('Slice', ['means', `disc_start_${s}`, `disc_end_${s}`, 'channel_axis'], [`disc_${s}`]),
      node('Slice', ['means', `disc_end_${s}`, `ring_end_${s}`, 'channel_axis'], [`sectors_${s}`]),
      node('ReduceMax', [`sectors_${s}`], [`brightest_${s}`], [intsAttribute('axes', [1]), intAttribute('keepdims', 1)]),
      node('Sub', [`disc_${s}`, `brightest_${s}`], [`score_${s}`]),
    );
    scores.push(`score_${s}`);
  });
  nodes.push(
    node('Concat', scores, ['scores'], [intAttribute('axis', 1)]),
    node('ReduceMax', ['scores'], ['largest'], [intsAttribute('axes', [1, 2, 3]), intAttribute('keepdims', 0)]),
    node('Reshape', ['largest', 'logit_shape'], ['largest_2d']),
    node('Sub', ['largest_2d', 'threshold'], ['above']),
    node('Mul', ['above', 'gain'], ['logit']),
  );
  return encodeModel(
    {
      name: 'demo_cxr_opacity',
      node: nodes,
      initializer,
      input: [valueInfo('image', FLOAT, [1, 1, CXR_SIZE, CXR_SIZE])],
      output: [valueInfo('logit', FLOAT, [1, 1])],
    },
    { producerVersion: '1.0.0', docString: `${DEMO_NOTICE}. Round-opacity score (disc against the brightest ring sector) on a chest radiograph.` },
  );
}

export const demoCxrOpacity: DemoModel = {
  id: 'demo-cxr-opacity',
  build: buildCxrOpacityModel,
  manifest: (sha256) => ({
    id: 'demo-cxr-opacity',
    version: '1.0.0',
    file: 'model.onnx',
    sha256,
    task: 'classification',
    description: `${DEMO_NOTICE}. Scores round bright opacities on a frontal chest radiograph at 256 x 256: a disc brighter than every sector of the ring around it, at two sizes (about 4-15 px, 30-110 px of the 2000 x 2400 original); the largest score over the image is the logit. It finds the synthetic round opacity of Nidus's test radiographs and nothing else reliably.`,
    intendedUse:
      'Shows how a classification model plugs into Nidus (manifest, preprocessing, result, alert). Not a medical device: not for diagnosis, triage or any clinical decision.',
    authors: 'Nidus contributors',
    license: 'Apache-2.0',
    appliesTo: { Modality: ['DX', 'CR'], BodyPartExamined: ['CHEST'] },
    consumes: 'image',
    input: { name: 'image', layout: 'NCHW', dtype: 'float32', shape: [1, 1, CXR_SIZE, CXR_SIZE] },
    preprocessing: [
      { op: 'modalityLut' },
      { op: 'window', use: 'image', center: 2048, width: 4096, range: [0, 1] },
      { op: 'invertMonochrome1' },
      { op: 'resize', shape: [CXR_SIZE, CXR_SIZE], interpolation: 'area' },
    ],
    output: {
      tensor: { name: 'logit', dtype: 'float32', shape: [1, 1] },
      activation: 'sigmoid',
      threshold: 0.5,
      labels: [{ key: 'opacity', code: { scheme: 'DCM', value: '112001', meaning: 'Opacity' } }],
    },
    runtime: { timeLimitSeconds: 20 },
  }),
};
