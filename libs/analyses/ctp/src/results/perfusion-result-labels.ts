import { code, Codes, type CodedConcept, type Measurement } from '@nidus/dicom';

/**
 * What the perfusion result objects (SEG, SR, summary images) call things: the algorithm, the series, and how the
 * core was defined. CT perfusion's by default; another analysis that shares the builders (MR stroke: the core from
 * diffusion) gives its own.
 */
export interface PerfusionResultLabels {
  algorithmName: string;
  algorithmFamily: CodedConcept;
  /** SEG ContentLabel (CS: capitals, digits, underscore) */
  contentLabel: string;
  contentDescription: string;
  /** SeriesDescription prefix of the result series ('NIDUS CTP' gives 'NIDUS CTP SEG', '... REPORT', '... SUMMARY') */
  seriesPrefix: string;
  /** first line of each summary image */
  title: string;
  /** the core's definition: SEG segment description, SR tracking identifier, summary text */
  coreDescription: string;
  coreTrackingIdentifier: string;
  coreSummaryLabel: string;
  corePanelLabel: string;
  /** the SR's derivation parameter of the core volume (the threshold) */
  coreThreshold: Measurement['derivationParameters'];
}

export const CTP_RESULT_LABELS: PerfusionResultLabels = {
  algorithmName: 'Nidus CTP',
  algorithmFamily: code('CTPTHRESHOLD', '99NIDUS', 'CT perfusion deconvolution and thresholds'),
  contentLabel: 'NIDUS_CTP',
  contentDescription: 'CT perfusion: ischemic core and hypoperfusion',
  seriesPrefix: 'NIDUS CTP',
  title: 'NIDUS CT PERFUSION',
  coreDescription: 'rCBF < 30% of normal tissue',
  coreTrackingIdentifier: 'Ischemic core (rCBF < 30%)',
  coreSummaryLabel: 'Ischemic core (rCBF < 30%)',
  corePanelLabel: 'rCBF (%), magenta: core rCBF < 30%',
  coreThreshold: [{ concept: Codes.RelativeCbfThreshold, value: 30, unit: Codes.Percent }],
};
