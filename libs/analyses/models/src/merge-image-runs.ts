import { ModelInputError, type ModelResult } from '@nidus/inference';

/**
 * The runs of an image model on each image of a series as one result: a label's probability is its highest over the
 * images (present if any image has it), with each image's kept in image order; a class's masks are the images' stacked
 * in order, its voxels and components summed, its probability and diameter the highest.
 */
export function mergeImageRuns(runs: readonly ModelResult[]): ModelResult {
  const [first] = runs;
  const same = runs.every((r) => r.geometry.rows === first.geometry.rows && r.geometry.columns === first.geometry.columns);
  const geometry = { ...first.geometry, slices: runs.length, SOPInstanceUIDs: runs.flatMap((r) => r.geometry.SOPInstanceUIDs) };
  const storedSlices = runs.flatMap((r) => r.storedSlices);
  const timings = {
    decodeMs: sum(runs.map((r) => r.timings.decodeMs)),
    preprocessMs: sum(runs.map((r) => r.timings.preprocessMs)),
    inferenceMs: sum(runs.map((r) => r.timings.inferenceMs)),
    postprocessMs: sum(runs.map((r) => r.timings.postprocessMs)),
    overheadCpuMs: sum(runs.map((r) => r.timings.overheadCpuMs)),
  };
  if (first.task === 'classification') {
    const findings = first.findings.map((label, i) => {
      const values = runs.map((r) => (r.task === 'classification' ? r.findings[i].probability : 0));
      const probability = Math.max(...values);
      return { ...label, probability, present: probability >= label.threshold, perSlice: values };
    });
    return { ...first, task: 'classification', findings, geometry, storedSlices, timings };
  }
  // masks stack into one grid only when the images share a size
  if (!same) throw new ModelInputError(first.modelId, 'geometry', 'the images of the series differ in size; their masks do not stack');
  const segments = first.segments.map((segment, i) => {
    const parts = runs.map((r) => (r.task === 'segmentation' ? r.segments[i] : segment));
    const mask = new Uint8Array(parts.reduce((n, p) => n + p.mask.length, 0));
    let offset = 0;
    for (const p of parts) mask.set(p.mask, (offset += p.mask.length) - p.mask.length);
    const probabilities = parts.map((p) => p.maxProbability).filter((p): p is number => p !== null);
    const diameters = parts.map((p) => p.largestDiameterMm).filter((d): d is number => d !== undefined);
    return {
      ...segment,
      mask,
      voxels: sum(parts.map((p) => p.voxels)),
      components: sum(parts.map((p) => p.components)),
      present: parts.some((p) => p.present),
      maxProbability: probabilities.length ? Math.max(...probabilities) : null,
      largestDiameterMm: diameters.length ? Math.max(...diameters) : segment.largestDiameterMm,
    };
  });
  return { ...first, task: 'segmentation', segments, geometry, storedSlices, timings };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
