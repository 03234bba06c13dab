import { readFileSync } from 'node:fs';
import type { ResultObject } from '@nidus/analysis';
import { buildCtpResults, type CtpResultsOptions, type PerfusionResultLabels } from '@nidus/analyses/ctp';
import { code, frameDatasets, readPart10 } from '@nidus/dicom';
import type { PerfusionResult } from '@nidus/perfusion';
import type { AnalyzedMrStroke } from './analyze-mr-stroke-files';

/** The MR stroke objects share CT perfusion's builders: only the core's definition and the names differ. */
export const MR_STROKE_RESULT_LABELS: PerfusionResultLabels = {
  algorithmName: 'Nidus MR stroke',
  algorithmFamily: code('MRSTROKE', '99NIDUS', 'Diffusion ADC threshold and DSC perfusion deconvolution'),
  contentLabel: 'NIDUS_MR_STROKE',
  contentDescription: 'MR stroke: diffusion core and perfusion Tmax',
  seriesPrefix: 'NIDUS MR STROKE',
  title: 'NIDUS MR STROKE',
  coreDescription: 'ADC < 620 x 10-6 mm2/s (diffusion), placed on the perfusion grid',
  coreTrackingIdentifier: 'Ischemic core (ADC < 620 x 10-6 mm2/s)',
  coreSummaryLabel: 'Core (ADC < 620)',
  corePanelLabel: 'rCBF (%), magenta: diffusion core',
  coreThreshold: undefined,
};

/**
 * SEG, TID 1500 SR and summary images of a study with both series, on the perfusion grid (the diffusion core
 * resampled onto it), through libs/analyses/ctp's builders. A core-only study (no DSC) makes none: there is no
 * Tmax map to draw or report, and the result's JSON says why.
 */
export async function buildMrStrokeObjects(analysed: AnalyzedMrStroke, options: Omit<CtpResultsOptions, 'labels'>): Promise<ResultObject[]> {
  const perfusion = analysed.perfusion;
  if (!perfusion) return [];
  const f = analysed.figures;
  const combined: PerfusionResult = {
    ...perfusion.result,
    summary: {
      coreVolumeMl: f.coreVolumeMl,
      hypoperfusionVolumeMl: f.hypoperfusionVolumeMl!,
      tmax10VolumeMl: f.tmax10VolumeMl!,
      mismatchVolumeMl: f.mismatchVolumeMl!,
      mismatchRatio: f.mismatchRatio,
      hypoperfusionIntensityRatio: f.hypoperfusionIntensityRatio,
      affectedHemisphere: f.affectedHemisphere,
      eligibility: f.eligibility,
      warnings: analysed.warnings,
    },
    maps: { ...perfusion.result.maps, coreMask: perfusion.coreOnPerfusionGrid },
  };
  const dsc = perfusion.loaded.series;
  const first = dsc.images[0];
  const header = readPart10(readFileSync(first.path), { untilTag: 'x7fe00010' });
  // the first image's header in full: the file's, or its frame's of an enhanced image
  const source = first.frame === undefined ? header : frameDatasets(header)[first.frame];
  const headers = [source, ...dsc.headers.filter((h) => h !== dsc.headers[0])];
  const { volume } = perfusion.loaded;
  const built = await buildCtpResults(combined, { ...volume, data: undefined }, headers, { ...options, labels: MR_STROKE_RESULT_LABELS });
  return built.objects;
}
