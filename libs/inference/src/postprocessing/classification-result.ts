import type { CodedConcept } from '../manifest/coded-concept.schema';
import type { ClassificationManifest } from '../model-manifest';
import { sigmoid, softmaxInPlace } from './activation';
import type { CheckedOutput } from './output-check';

/** One label of a classification model on one image or series. */
export interface LabelFinding {
  key: string;
  code: CodedConcept;
  probability: number;
  threshold: number;
  present: boolean;
  /** slices models: the probability of each source slice, in slice order */
  perSlice?: number[];
}

/**
 * Scores to findings: the declared activation over each item's last dimension, the label's index read, the
 * per-item probabilities combined over the series (slices models; max or mean), present at the threshold.
 * `outputs[r]` is run r's checked output and `items[r]` the items it held (one per batch position).
 */
export function classificationFindings(
  manifest: ClassificationManifest,
  outputs: readonly CheckedOutput[],
  items: readonly (readonly number[])[],
  itemCount: number,
): LabelFinding[] {
  const o = manifest.output;
  const perItem: Float32Array[] = new Array(itemCount);
  outputs.forEach((output, r) => {
    const K = output.dims[output.dims.length - 1];
    const rows = output.data.length / K;
    items[r].forEach((item, b) => {
      if (b >= rows) return;
      const scores = output.data.slice(b * K, (b + 1) * K);
      if (o.activation === 'softmax') softmaxInPlace(scores, 0, K, 1);
      else if (o.activation === 'sigmoid') for (let k = 0; k < K; k++) scores[k] = sigmoid(scores[k]);
      perItem[item] = scores;
    });
  });
  return o.labels.map((label, i) => {
    const index = label.index ?? i;
    const values = perItem.map((scores) => scores[index]);
    const probability = o.aggregate === 'mean' ? values.reduce((a, b) => a + b, 0) / values.length : Math.max(...values);
    const threshold = label.threshold ?? o.threshold;
    const finding: LabelFinding = { key: label.key ?? label.code.value, code: label.code, probability, threshold, present: probability >= threshold };
    if (manifest.consumes === 'slices') finding.perSlice = values;
    return finding;
  });
}
