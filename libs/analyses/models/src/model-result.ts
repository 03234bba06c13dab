import { ANALYSIS_RESULT_SCHEMA, type AnalysisResult, type Finding, type MaskSegment, type Measurement, type ProducingModel } from '@nidus/analysis';
import { Codes } from '@nidus/dicom';
import type { FindingsManifest, ModelResult } from '@nidus/inference';
import { dicomCode, ModelCodes } from './model-codes';

/**
 * The result of a findings model, in the common shape (libs/analysis): a finding per label or class (with its
 * probability), a measurement per class and quantity the manifest asks for (UCUM), a mask segment per class, plus
 * what the model's own objects and view need: the task, and the key image's SOPInstanceUID once it is built.
 */
export interface ModelAnalysisResult extends AnalysisResult {
  task: 'classification' | 'segmentation';
  /** the Secondary Capture that shows the finding (its UID derives from the run, so it is known before it is built) */
  keyImage: { SOPInstanceUID: string; slice: number } | null;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** What a model run gives, as the analysis's result. */
export function modelAnalysisResult(options: {
  manifest: FindingsManifest;
  run: ModelResult;
  analysis: { id: string; title: string; version: string };
  model: ProducingModel;
  source: AnalysisResult['source'];
  keyImage: ModelAnalysisResult['keyImage'];
  warnings: string[];
}): ModelAnalysisResult {
  const { run } = options;
  const findings: Finding[] = [];
  const measurements: Measurement[] = [];
  const masks: MaskSegment[] = [];
  if (run.task === 'classification') {
    for (const label of run.findings) {
      findings.push({ key: label.key, code: dicomCode(label.code), present: label.present, probability: round(label.probability, 6) });
    }
  } else {
    const spacing = run.geometry.spacingMm;
    const voxelMl = spacing ? (spacing[0] * spacing[1] * spacing[2]) / 1000 : 0;
    const classes = options.manifest.task === 'segmentation' ? options.manifest.output.classes : [];
    run.segments.forEach((segment, i) => {
      const number = i + 1;
      findings.push({
        key: segment.key,
        code: dicomCode(segment.code),
        present: segment.present,
        probability: segment.maxProbability === null ? null : round(segment.maxProbability, 6),
        segment: number,
      });
      if (segment.volumeMl !== undefined) {
        measurements.push({ key: segment.key, quantity: 'volumeMl', code: Codes.Volume, value: round(segment.volumeMl, 4), unit: Codes.Milliliter });
      }
      if (segment.largestDiameterMm !== undefined) {
        measurements.push({
          key: segment.key,
          quantity: 'largestDiameterMm',
          code: ModelCodes.Diameter,
          value: round(segment.largestDiameterMm, 3),
          unit: ModelCodes.Millimeter,
          derivation: 'longest distance between two mask pixel centres of one component in one slice',
        });
      }
      masks.push({
        number,
        key: segment.key,
        label: segment.code.meaning,
        category: dicomCode(segment.category ?? classes[i]?.category),
        type: dicomCode(segment.code),
        colour: [...segment.colour] as [number, number, number],
        voxels: segment.voxels,
        volumeMl: round(segment.volumeMl ?? segment.voxels * voxelMl, 4),
      });
    });
  }
  const t = run.timings;
  return {
    schema: ANALYSIS_RESULT_SCHEMA,
    analysis: options.analysis,
    model: options.model,
    source: options.source,
    findings,
    measurements,
    masks,
    warnings: options.warnings,
    timings: {
      decode: t.decodeMs / 1000,
      preprocess: t.preprocessMs / 1000,
      inference: t.inferenceMs / 1000,
      postprocess: t.postprocessMs / 1000,
    },
    task: run.task,
    keyImage: options.keyImage,
  };
}
