import { ANALYSIS_RESULT_SCHEMA, type AnalysisResult, type Finding, type MaskSegment, type Measurement, type ProducingModel } from '@nidus/analysis';
import { Codes, type CodedConcept } from '@nidus/dicom';
import type { PerfusionMaps, PerfusionQuality, PerfusionResult, PerfusionSummary, TimePointMotion } from '@nidus/perfusion';
import type { CtpSeriesIdentity } from './analyze-ctp-files';
import { CORE_RGB, HYPOPERFUSION_RGB } from './results/ctp-colour-maps';

/**
 * The result of one CT perfusion analysis: the common result (findings, measurements, masks) plus the fields of
 * DESIGN.md's perfusion contract at the top level, where alert rules (`coreVolumeMl < 70`) read them. No patient names.
 */
/** A curve of the QC page, with where its voxels are (patient LPS, mm). */
export interface CtpQcCurve {
  timesSeconds: number[];
  values: number[];
  voxelCount: number;
  locationsMm: [number, number, number][];
}

/** What a radiologist checks before trusting the numbers (libs/perfusion quality.stage.ts), as the result stores it. */
export interface CtpQuality {
  arterial: CtpQcCurve;
  venous: CtpQcCurve;
  /** the venous curve not back towards baseline at the end of the scan, and how high it still is (fraction of its peak) */
  bolusTruncated: boolean;
  venousEndFraction: number | null;
  usableBrainFraction: number;
  motion: {
    method: string;
    maxShiftMm: number;
    maxRotationDegrees: number;
    excluded: number;
    timePoints: TimePointMotion[];
  };
}

export interface CtpResult extends AnalysisResult, PerfusionSummary {
  qc: CtpQuality;
  series: {
    StudyInstanceUID: string;
    SeriesInstanceUID: string;
    SeriesDescription: string | null;
    instances: number;
    slices: number;
    timePoints: number;
  };
}

export const CTP_ANALYSIS_ID = 'ctp';
export const CTP_TITLE = 'CT perfusion';

/** The SEG's segments, in order: their numbers are 1 and 2. */
export const CTP_SEGMENTS = [
  { key: 'core', label: 'Ischemic core', description: 'rCBF < 30% of normal tissue', type: Codes.Infarct, colour: CORE_RGB },
  { key: 'hypoperfusion', label: 'Hypoperfusion', description: 'Tmax > 6 s', type: Codes.Ischemia, colour: HYPOPERFUSION_RGB },
] as const;

const round = (v: number) => Math.round(v * 1000) / 1000;
const roundOrNull = (v: number | null) => (v === null ? null : round(v));

function volume(key: string, value: number, derivation?: string): Measurement {
  return { key, quantity: 'volumeMl', code: Codes.Volume, value: round(value), unit: Codes.Milliliter, ...(derivation ? { derivation } : {}) };
}

function ratio(key: string, concept: CodedConcept, value: number | null): Measurement {
  return { key, quantity: 'ratio', code: concept, value: roundOrNull(value), unit: Codes.Ratio };
}

export interface CtpResultInputs {
  summary: PerfusionSummary;
  quality: Pick<PerfusionResult, 'arterialInputFunction' | 'venousOutputFunction' | 'motion'> & { quality: PerfusionQuality };
  maps: Pick<PerfusionMaps, 'coreMask' | 'hypoperfusionMask'>;
  voxelVolumeMl: number;
  series: CtpSeriesIdentity;
  warnings: string[];
  timings: Record<string, number>;
  version: string;
  model: ProducingModel | null;
}

/** The result of one run, from the perfusion summary and masks. */
export function ctpResult(inputs: CtpResultInputs): CtpResult {
  const { summary, series } = inputs;
  const side = summary.affectedHemisphere;
  const voxels = (mask: Uint8Array) => mask.reduce((s, v) => s + v, 0);
  const findings: Finding[] = [
    { key: 'core', code: Codes.Infarct, present: summary.coreVolumeMl > 0, site: Codes.Brain, laterality: side, segment: 1 },
    { key: 'hypoperfusion', code: Codes.Ischemia, present: summary.hypoperfusionVolumeMl > 0, site: Codes.Brain, laterality: side, segment: 2 },
    { key: 'defuse3', code: Codes.Defuse3Eligible, present: summary.eligibility.defuse3 },
    { key: 'extend', code: Codes.ExtendEligible, present: summary.eligibility.extend },
  ];
  const measurements: Measurement[] = [
    volume('core', summary.coreVolumeMl, 'rCBF < 30%'),
    volume('hypoperfusion', summary.hypoperfusionVolumeMl, 'Tmax > 6 s'),
    volume('tmax10', summary.tmax10VolumeMl, 'Tmax > 10 s'),
    volume('mismatch', summary.mismatchVolumeMl, 'Tmax > 6 s minus core'),
    ratio('mismatch', Codes.MismatchRatio, summary.mismatchRatio),
    ratio('tmax10', Codes.HypoperfusionIntensityRatio, summary.hypoperfusionIntensityRatio),
  ];
  const masks: MaskSegment[] = CTP_SEGMENTS.map((s, i) => {
    const n = voxels(i === 0 ? inputs.maps.coreMask : inputs.maps.hypoperfusionMask);
    return {
      number: i + 1,
      key: s.key,
      label: s.label,
      category: Codes.MorphologicallyAlteredStructure,
      type: s.type,
      colour: [...s.colour] as [number, number, number],
      voxels: n,
      volumeMl: round(n * inputs.voxelVolumeMl),
    };
  });
  return {
    schema: ANALYSIS_RESULT_SCHEMA,
    analysis: { id: CTP_ANALYSIS_ID, title: CTP_TITLE, version: inputs.version },
    model: inputs.model,
    source: {
      StudyInstanceUID: series.StudyInstanceUID,
      series: [{ SeriesInstanceUID: series.SeriesInstanceUID, SeriesDescription: series.SeriesDescription ?? null, instances: series.instances }],
    },
    findings,
    measurements,
    masks,
    coreVolumeMl: round(summary.coreVolumeMl),
    hypoperfusionVolumeMl: round(summary.hypoperfusionVolumeMl),
    tmax10VolumeMl: round(summary.tmax10VolumeMl),
    mismatchVolumeMl: round(summary.mismatchVolumeMl),
    mismatchRatio: roundOrNull(summary.mismatchRatio),
    hypoperfusionIntensityRatio: roundOrNull(summary.hypoperfusionIntensityRatio),
    affectedHemisphere: side,
    eligibility: { ...summary.eligibility },
    ...(summary.referenceCbf !== undefined ? { referenceCbf: round(summary.referenceCbf) } : {}),
    warnings: inputs.warnings,
    quality: { confidence: inputs.quality.quality.confidence, reasons: [...inputs.quality.quality.problems] },
    qc: ctpQuality(inputs.quality),
    series: {
      StudyInstanceUID: series.StudyInstanceUID,
      SeriesInstanceUID: series.SeriesInstanceUID,
      SeriesDescription: series.SeriesDescription ?? null,
      instances: series.instances,
      slices: series.SOPInstanceUIDs[0]?.length ?? 0,
      timePoints: series.SOPInstanceUIDs.length,
    },
    timings: Object.fromEntries(Object.entries(inputs.timings).map(([k, v]) => [k, round(v)])),
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function ctpQuality(inputs: CtpResultInputs['quality']): CtpQuality {
  const { arterialInputFunction: aif, venousOutputFunction: vof, motion, quality } = inputs;
  const curve = (c: typeof aif, locationsMm: [number, number, number][]): CtpQcCurve => ({
    timesSeconds: c.timesSeconds.map(round),
    values: c.values.map(round1),
    voxelCount: c.voxelCount,
    locationsMm,
  });
  return {
    arterial: curve(aif, quality.arterialLocationsMm),
    venous: curve(vof, quality.venousLocationsMm),
    bolusTruncated: quality.bolusTruncated,
    venousEndFraction: quality.venousEndFraction,
    usableBrainFraction: quality.usableBrainFraction,
    motion: {
      method: motion.method,
      maxShiftMm: motion.maxShiftMm,
      maxRotationDegrees: motion.maxRotationDegrees,
      excluded: motion.excluded,
      timePoints: motion.timePoints,
    },
  };
}
