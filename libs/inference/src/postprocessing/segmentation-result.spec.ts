import type { SegmentationManifest } from '../model-manifest';
import { inputBatches } from '../preprocessing/input-tensor';
import { preprocess } from '../preprocessing/preprocess';
import { manifestFixture } from '../test/manifest.fixture';
import { sourceFixture } from '../test/model-source.fixture';
import { checkOutput } from './output-check';
import { segmentationFindings } from './segmentation-result';

const CODE = { scheme: 'SCT', value: '50960005', meaning: 'Hemorrhage' };

function segmentation(output: Record<string, unknown>, preprocessing: object[] = [], consumes = 'slices', shape: (number | string)[] = ['N', 1, 'H', 'W']) {
  return manifestFixture<SegmentationManifest>({
    task: 'segmentation',
    consumes,
    input: { name: 'x', layout: consumes === 'volume' ? 'NCDHW' : 'NCHW', shape },
    preprocessing,
    output,
  });
}

/** Runs the postprocessing on a fake output (one value array per run), for a 4 x 4 source of `slices` slices. */
function findings(manifest: SegmentationManifest, outputs: number[][], dims: number[][], slices = 1) {
  const source = sourceFixture({ stored: new Float32Array(16 * slices), rows: 4, columns: 4, slices, spacingMm: [0.5, 0.5, 2] });
  const prepared = preprocess(manifest, source);
  const batches = inputBatches(manifest, prepared);
  const checked = outputs.map((data, r) =>
    checkOutput(manifest.id, { y: { type: 'float32', data: Float32Array.from(data), dims: dims[r] } }, manifest.output.tensor, batches[r].symbols),
  );
  return segmentationFindings(
    manifest,
    prepared,
    checked,
    batches.map((b) => b.items),
    source.geometry,
  );
}

const rows = (mask: Uint8Array, plane = 0) =>
  Array.from({ length: 4 }, (_, y) => Array.from(mask.subarray(plane * 16 + y * 4, plane * 16 + y * 4 + 4)).join(''));

describe(segmentationFindings.name, () => {
  it('softmax + argmax on a 2 x 2 model grid lands on the 4 x 4 source by the half-pixel rule', () => {
    const m = segmentation(
      {
        tensor: { name: 'y', shape: ['N', 2, 2, 2] },
        activation: 'softmax',
        classes: [{ index: 1, code: CODE, colour: [255, 0, 0], measurements: ['volumeMl', 'largestDiameterMm'] }],
      },
      [{ op: 'resize', shape: [2, 2] }],
      'slices',
      ['N', 1, 2, 2],
    );
    // channel 0 (background) then channel 1: the top-left model pixel is the class
    const [hit] = findings(m, [[0, 5, 5, 5, /* class */ 5, 0, 0, 0]], [[1, 2, 2, 2]]);
    expect(rows(hit.mask)).toEqual(['1100', '1100', '0000', '0000']);
    expect(hit.voxels).toBe(4);
    expect(hit.volumeMl).toBeCloseTo((4 * 0.5 * 0.5 * 2) / 1000, 12);
    expect(hit.largestDiameterMm).toBeCloseTo(Math.hypot(0.5, 0.5), 12);
    expect(hit.maxProbability).toBeCloseTo(1 / (1 + Math.exp(-5)), 6);
  });

  it('sigmoid + threshold maps probabilities linearly and thresholds on the source', () => {
    const m = segmentation({
      tensor: { name: 'y', shape: ['N', 1, 4, 4] },
      activation: 'sigmoid',
      threshold: 0.5,
      classes: [{ index: 0, code: CODE, colour: [1, 2, 3] }],
    });
    const logits = [9, 9, -9, -9, 9, 9, -9, -9, -9, -9, -9, -9, -9, -9, -9, 0.1];
    const [hit] = findings(m, [logits], [[1, 1, 4, 4]]);
    expect(rows(hit.mask)).toEqual(['1100', '1100', '0000', '0001']);
  });

  it('removes components below the minimum, per class', () => {
    const m = segmentation({
      tensor: { name: 'y', shape: ['N', 1, 4, 4] },
      activation: 'none',
      classes: [{ index: 0, code: CODE, colour: [1, 2, 3], minComponentVoxels: 2 }],
    });
    const p = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const [hit] = findings(m, [p], [[1, 1, 4, 4]]);
    expect(rows(hit.mask)).toEqual(['1100', '1100', '0000', '0000']);
    expect(hit.components).toBe(1);
  });

  it('labels outputs are read by nearest; voxels cropped away are background', () => {
    const m = segmentation(
      {
        tensor: { name: 'y', shape: ['N', 1, 2, 2], dtype: 'int64' },
        activation: 'labels',
        classes: [
          { index: 1, code: CODE, colour: [1, 2, 3] },
          { index: 2, key: 'other', code: { scheme: 'SCT', value: '52988006', meaning: 'Lesion' }, colour: [3, 2, 1] },
        ],
      },
      [{ op: 'cropOrPad', shape: [2, 2] }],
      'slices',
      ['N', 1, 2, 2],
    );
    // the 2 x 2 centre crop of the 4 x 4 source (rows and columns 1..2)
    const labels = { y: { type: 'int64', data: BigInt64Array.from([1n, 2n, 0n, 1n]), dims: [1, 1, 2, 2] } };
    const source = sourceFixture({ stored: new Float32Array(16), rows: 4, columns: 4, spacingMm: [1, 1, 1] });
    const prepared = preprocess(m, source);
    const batches = inputBatches(m, prepared);
    const [first, second] = segmentationFindings(
      m,
      prepared,
      [checkOutput(m.id, labels, m.output.tensor, batches[0].symbols)],
      [batches[0].items],
      source.geometry,
    );
    expect(rows(first.mask)).toEqual(['0000', '0100', '0010', '0000']);
    expect(rows(second.mask)).toEqual(['0000', '0010', '0000', '0000']);
    expect(first.maxProbability).toBeNull();
  });

  it('slices models fill each source slice from its own batch position', () => {
    const m = segmentation(
      { tensor: { name: 'y', shape: ['N', 1, 4, 4] }, activation: 'none', classes: [{ index: 0, code: CODE, colour: [1, 2, 3] }], connectivity: 'face' },
      [],
      'slices',
    );
    const slice0 = new Array(16).fill(0);
    const slice1 = new Array(16).fill(0);
    slice1[5] = 1;
    const [hit] = findings(m, [[...slice0, ...slice1]], [[2, 1, 4, 4]], 2);
    expect(rows(hit.mask, 0)).toEqual(['0000', '0000', '0000', '0000']);
    expect(rows(hit.mask, 1)).toEqual(['0000', '0100', '0000', '0000']);
  });
});
