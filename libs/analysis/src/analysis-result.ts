import type { CodedConcept } from '@nidus/dicom';

/**
 * The result every analysis returns, in one shape (schema: libs/analysis/analysis-result.schema.json).
 * Codes are DICOM coded concepts (PS3.3 8.8): SNOMED CT (SCT), RadLex (RADLEX), DICOM (DCM) or a 99-private
 * scheme; units are UCUM (PS3.16 CID 7181). An analysis may add its own fields beside these (CT perfusion adds
 * the numbers of DESIGN.md's perfusion contract); alert rules and the review page read both.
 */
export const ANALYSIS_RESULT_SCHEMA = 'nidus.analysis-result/1';

/** What is found, or not: one per label of a classifier, per class of a segmenter, per finding of an analysis. */
export interface Finding {
  /** stable short name, the handle alert rules use: `findings.<key>.present` */
  key: string;
  code: CodedConcept;
  /** null when the analysis could not decide */
  present: boolean | null;
  /** 0..1, for models that give one */
  probability?: number | null;
  /** where: an anatomic site */
  site?: CodedConcept;
  laterality?: 'left' | 'right' | 'bilateral' | null;
  /** the mask segment that shows it (MaskSegment.number) */
  segment?: number;
}

/** One number with its unit. Rules address it as `measurements.<key>.<quantity>`. */
export interface Measurement {
  /** what it measures, usually the key of a finding or segment ('core', 'hemorrhage') */
  key: string;
  /** what kind of number, camel case with its unit ('volumeMl', 'ratio', 'largestDiameterMm') */
  quantity: string;
  /** the concept measured (PS3.16 e.g. Volume 118565006 SCT) */
  code: CodedConcept;
  /** null when undefined (a ratio over zero) */
  value: number | null;
  /** UCUM unit: CodeValue 'mL', CodingSchemeDesignator 'UCUM' */
  unit: CodedConcept;
  /** how it was derived, in words ('Tmax > 6 s') */
  derivation?: string;
}

/** A segment of the analysis's masks, as its SEG holds it. */
export interface MaskSegment {
  /** SegmentNumber in the SEG, from 1 */
  number: number;
  key: string;
  label: string;
  category: CodedConcept;
  type: CodedConcept;
  /** display colour, sRGB 0..255 */
  colour: [number, number, number];
  voxels: number;
  volumeMl: number;
}

/** The model that produced a result: a findings model, or the engine of a method (the perfusion deconvolution). */
export interface ProducingModel {
  id: string;
  version: string;
  sha256: string;
}

export interface AnalysisResultSource {
  StudyInstanceUID: string;
  series: { SeriesInstanceUID: string; SeriesDescription: string | null; instances: number }[];
}

/** How far a result's numbers can be trusted, and why not, one line per reason: it lowers an alert's confidence. */
export interface ResultQuality {
  confidence: 'high' | 'reduced' | 'low';
  reasons: string[];
}

export interface AnalysisResult {
  schema: typeof ANALYSIS_RESULT_SCHEMA;
  analysis: { id: string; title: string; version: string };
  model: ProducingModel | null;
  source: AnalysisResultSource;
  findings: Finding[];
  measurements: Measurement[];
  masks: MaskSegment[];
  warnings: string[];
  /** absent: the analysis does not judge its input's quality */
  quality?: ResultQuality;
  /** seconds per stage */
  timings: Record<string, number>;
}
