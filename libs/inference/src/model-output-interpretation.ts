import type { FindingsManifest } from './model-manifest';
import { classificationFindings, type LabelFinding } from './postprocessing/classification-result';
import { checkOutput } from './postprocessing/output-check';
import { segmentationFindings, type SegmentFinding } from './postprocessing/segmentation-result';
import type { InputBatch } from './preprocessing/input-tensor';
import type { SourceGeometry } from './preprocessing/model-source';
import type { PreparedItem } from './preprocessing/preprocess';
import type { TensorValue } from './tensor-value';

/** What a findings model says about one image or series, on the source geometry. */
export type ModelFindings = { task: 'classification'; findings: LabelFinding[] } | { task: 'segmentation'; segments: SegmentFinding[] };

/**
 * The outputs of every run of a model on one image or series, checked against the manifest (ModelOutputError
 * for a missing output, a wrong dtype or shape, NaN or infinity) and turned into findings or masks.
 */
export function interpretModelOutputs(
  manifest: FindingsManifest,
  prepared: readonly PreparedItem[],
  batches: readonly InputBatch[],
  outputs: readonly Record<string, TensorValue>[],
  geometry: SourceGeometry,
): ModelFindings {
  const checked = outputs.map((output, r) => checkOutput(manifest.id, output, manifest.output.tensor, batches[r].symbols));
  const items = batches.map((b) => b.items);
  if (manifest.task === 'classification') return { task: 'classification', findings: classificationFindings(manifest, checked, items, prepared.length) };
  return { task: 'segmentation', segments: segmentationFindings(manifest, prepared, checked, items, geometry) };
}
