import { ANALYSIS_RESULT_SCHEMA, type AnalysisResult, type Finding, type MaskSegment, type Measurement, type ProducingModel } from '@nidus/analysis';
import { Codes, type CodedConcept } from '@nidus/dicom';
import type { PerfusionEligibility } from '@nidus/perfusion';

export const MR_STROKE_ANALYSIS_ID = 'mr-stroke';
export const MR_STROKE_TITLE = 'MR stroke (diffusion and perfusion)';

/** The SEG's segments, in order (numbers 1 and 2), as for CT perfusion but with the diffusion core. */
export const MR_CORE_LABEL = 'Ischemic core (ADC < 620 x 10-6 mm2/s)';

/**
 * The result of one MR stroke analysis: the common result plus the fields of DESIGN.md's perfusion contract at the
 * top level (where alert rules read them), the core from diffusion. Without a perfusion series, the perfusion fields
 * are null and `perfusionAvailable` is false ("no perfusion series: core only").
 */
export interface MrStrokeResult extends AnalysisResult {
  coreVolumeMl: number;
  hypoperfusionVolumeMl: number | null;
  tmax10VolumeMl: number | null;
  mismatchVolumeMl: number | null;
  mismatchRatio: number | null;
  hypoperfusionIntensityRatio: number | null;
  affectedHemisphere: 'left' | 'right' | null;
  eligibility: PerfusionEligibility;
  perfusionAvailable: boolean;
  diffusionAvailable: boolean;
  /** where the ADC came from */
  adcSource: 'scanner' | 'computed' | null;
  /** whether diffusion and perfusion share a FrameOfReferenceUID (null with one of them missing) */
  sameFrameOfReference: boolean | null;
  warnings: string[];
  series: { role: string; SeriesInstanceUID: string; SeriesDescription: string | null; instances: number }[];
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const roundOrNull = (v: number | null) => (v === null ? null : round(v));

function volume(key: string, value: number, derivation?: string): Measurement {
  return { key, quantity: 'volumeMl', code: Codes.Volume, value: round(value), unit: Codes.Milliliter, ...(derivation ? { derivation } : {}) };
}

function ratio(key: string, concept: CodedConcept, value: number | null): Measurement {
  return { key, quantity: 'ratio', code: concept, value: roundOrNull(value), unit: Codes.Ratio };
}

export interface MrStrokeFigures {
  coreVolumeMl: number;
  hypoperfusionVolumeMl: number | null;
  tmax10VolumeMl: number | null;
  mismatchVolumeMl: number | null;
  mismatchRatio: number | null;
  hypoperfusionIntensityRatio: number | null;
  affectedHemisphere: 'left' | 'right' | null;
  eligibility: PerfusionEligibility;
}

export interface MrStrokeResultInputs {
  figures: MrStrokeFigures;
  StudyInstanceUID: string;
  series: MrStrokeResult['series'];
  /** voxels of the SEG's masks, and their volumes (mL), as the SEG holds them (on the perfusion grid, or the diffusion grid) */
  masks: { core: { voxels: number; volumeMl: number }; hypoperfusion: { voxels: number; volumeMl: number } | null };
  adcSource: MrStrokeResult['adcSource'];
  sameFrameOfReference: boolean | null;
  warnings: string[];
  timings: Record<string, number>;
  version: string;
  model: ProducingModel | null;
}

export function mrStrokeResult(inputs: MrStrokeResultInputs): MrStrokeResult {
  const f = inputs.figures;
  const side = f.affectedHemisphere;
  const perfusion = f.hypoperfusionVolumeMl !== null;
  const findings: Finding[] = [
    { key: 'core', code: Codes.Infarct, present: f.coreVolumeMl > 0, site: Codes.Brain, laterality: side, segment: 1 },
    ...(perfusion
      ? [{ key: 'hypoperfusion', code: Codes.Ischemia, present: f.hypoperfusionVolumeMl! > 0, site: Codes.Brain, laterality: side, segment: 2 }]
      : []),
    { key: 'defuse3', code: Codes.Defuse3Eligible, present: f.eligibility.defuse3 },
    { key: 'extend', code: Codes.ExtendEligible, present: f.eligibility.extend },
  ];
  const measurements: Measurement[] = [
    volume('core', f.coreVolumeMl, 'ADC < 620e-6 mm2/s'),
    ...(perfusion
      ? [
          volume('hypoperfusion', f.hypoperfusionVolumeMl!, 'Tmax > 6 s'),
          volume('tmax10', f.tmax10VolumeMl!, 'Tmax > 10 s'),
          volume('mismatch', f.mismatchVolumeMl!, 'Tmax > 6 s minus core'),
          ratio('mismatch', Codes.MismatchRatio, f.mismatchRatio),
          ratio('tmax10', Codes.HypoperfusionIntensityRatio, f.hypoperfusionIntensityRatio),
        ]
      : []),
  ];
  const masks: MaskSegment[] = [
    {
      number: 1,
      key: 'core',
      label: 'Ischemic core',
      category: Codes.MorphologicallyAlteredStructure,
      type: Codes.Infarct,
      colour: [255, 40, 200],
      voxels: inputs.masks.core.voxels,
      volumeMl: round(inputs.masks.core.volumeMl),
    },
    ...(inputs.masks.hypoperfusion
      ? [
          {
            number: 2,
            key: 'hypoperfusion',
            label: 'Hypoperfusion',
            category: Codes.MorphologicallyAlteredStructure,
            type: Codes.Ischemia,
            colour: [60, 255, 60] as [number, number, number],
            voxels: inputs.masks.hypoperfusion.voxels,
            volumeMl: round(inputs.masks.hypoperfusion.volumeMl),
          },
        ]
      : []),
  ];
  return {
    schema: ANALYSIS_RESULT_SCHEMA,
    analysis: { id: MR_STROKE_ANALYSIS_ID, title: MR_STROKE_TITLE, version: inputs.version },
    model: inputs.model,
    source: {
      StudyInstanceUID: inputs.StudyInstanceUID,
      series: inputs.series.map((s) => ({ SeriesInstanceUID: s.SeriesInstanceUID, SeriesDescription: s.SeriesDescription, instances: s.instances })),
    },
    findings,
    measurements,
    masks,
    coreVolumeMl: round(f.coreVolumeMl),
    hypoperfusionVolumeMl: roundOrNull(f.hypoperfusionVolumeMl),
    tmax10VolumeMl: roundOrNull(f.tmax10VolumeMl),
    mismatchVolumeMl: roundOrNull(f.mismatchVolumeMl),
    mismatchRatio: roundOrNull(f.mismatchRatio),
    hypoperfusionIntensityRatio: roundOrNull(f.hypoperfusionIntensityRatio),
    affectedHemisphere: side,
    eligibility: { ...f.eligibility },
    perfusionAvailable: perfusion,
    diffusionAvailable: true,
    adcSource: inputs.adcSource,
    sameFrameOfReference: inputs.sameFrameOfReference,
    warnings: inputs.warnings,
    series: inputs.series,
    timings: Object.fromEntries(Object.entries(inputs.timings).map(([k, v]) => [k, round(v)])),
  };
}
