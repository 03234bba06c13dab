import { analyzeDiffusionCore, NotDiffusionSeriesError, type DiffusionCore, type DiffusionCoreOptions } from '@nidus/diffusion';
import {
  analyzePerfusion,
  dscSignalModel,
  eligibility,
  mismatchFigures,
  type AnalyzePerfusionOptions,
  type Deconvolver,
  type PerfusionResult,
} from '@nidus/perfusion';
import { loadDiffusion, loadPerfusion, recogniseStudySeries, type LoadedPerfusion, type MrStudySeries } from './load-mr-study';
import type { MrStrokeFigures } from './mr-stroke-result';
import type { MrSeriesRole } from './recognition/mr-series-role';
import { resampleMask, type PlacedGrid } from './register-core';

export const NO_PERFUSION_WARNING = 'no perfusion series: core only';

export interface AnalyzeMrStrokeOptions {
  deconvolver: Deconvolver;
  /** roles named by routes, by SeriesInstanceUID (they win over recognition from headers) */
  roles?: Readonly<Record<string, MrSeriesRole | undefined>>;
  diffusion?: DiffusionCoreOptions;
  perfusion?: Omit<AnalyzePerfusionOptions, 'onProgress' | 'signalModel'>;
  onProgress?: (stage: string, fraction: number) => void;
}

export interface AnalyzedMrStroke {
  StudyInstanceUID: string;
  figures: MrStrokeFigures;
  core: DiffusionCore;
  diffusionGrid: PlacedGrid;
  perfusion: { result: PerfusionResult; loaded: LoadedPerfusion; coreOnPerfusionGrid: Uint8Array } | null;
  series: MrStudySeries[];
  /** whether diffusion and perfusion share a FrameOfReferenceUID (null with one missing) */
  sameFrameOfReference: boolean | null;
  warnings: string[];
  timings: Record<string, number>;
}

/**
 * MR stroke triage of one study's files (after RAPID MRI): the core from diffusion (ADC < 620e-6 mm^2/s), Tmax from
 * the DSC series through the CT perfusion engine (Delta R2* signal model, same deconvolution), the core placed on
 * the perfusion grid by patient coordinates, mismatch, DEFUSE 3 / EXTEND, side. Without a DSC series: the core only.
 */
export async function analyzeMrStrokeFiles(paths: readonly string[], options: AnalyzeMrStrokeOptions): Promise<AnalyzedMrStroke> {
  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = (now - clock) / 1000;
    clock = now;
  };
  options.onProgress?.('load', 0);
  const series = recogniseStudySeries(paths, options.roles);
  const StudyInstanceUID = series[0]?.headers[0].string('StudyInstanceUID') ?? '';
  const studies = new Set(series.map((s) => s.headers[0].string('StudyInstanceUID')));
  if (studies.size > 1) throw new NotDiffusionSeriesError(`the files hold ${studies.size} studies: MR stroke analyses one study`);
  lap('recognition');
  const diffusion = await loadDiffusion(series);
  if (!diffusion) {
    const seen = series.map((s) => `${s.SeriesDescription ?? s.SeriesInstanceUID}: ${s.reason}`).join('; ');
    throw new NotDiffusionSeriesError(`no diffusion series (b = 0 and b = 1000, or an ADC map) in the study: ${seen || 'no series'}`);
  }
  const perfusionInput = await loadPerfusion(series);
  lap('load');
  options.onProgress?.('diffusion', 0.1);
  const core = analyzeDiffusionCore(diffusion.input, options.diffusion);
  lap('diffusion');
  const warnings = [...diffusion.warnings, ...core.warnings];

  let perfusion: AnalyzedMrStroke['perfusion'] = null;
  let sameFrameOfReference: boolean | null = null;
  let figures: MrStrokeFigures;
  if (perfusionInput) {
    options.onProgress?.('perfusion', 0.2);
    const result = await analyzePerfusion(perfusionInput.volume, options.deconvolver, {
      ...options.perfusion,
      signalModel: dscSignalModel(perfusionInput.echoTimeSeconds),
      onProgress: (stage, fraction) => options.onProgress?.(stage, 0.2 + 0.7 * fraction),
    });
    for (const [stage, seconds] of Object.entries(result.timings)) timings[`perfusion.${stage}`] = seconds;
    clock = performance.now();
    const v = perfusionInput.volume;
    const perfusionGrid: PlacedGrid = { ...v, ImagePositionPatient: v.ImagePositionPatient };
    const diffusionFrame = diffusion.series[0].FrameOfReferenceUID;
    sameFrameOfReference = diffusionFrame !== null && diffusionFrame === perfusionInput.series.FrameOfReferenceUID;
    if (!sameFrameOfReference) {
      warnings.push(
        `diffusion and perfusion have different frames of reference (${diffusionFrame ?? 'none'}, ${perfusionInput.series.FrameOfReferenceUID ?? 'none'}): the core was placed by patient coordinates, which holds only if the patient did not move between them`,
      );
    }
    const coreOnPerfusionGrid = resampleMask(core.coreMask, diffusion.grid, perfusionGrid);
    lap('registration');
    const volumes = {
      coreVolumeMl: core.coreVolumeMl,
      hypoperfusionVolumeMl: result.summary.hypoperfusionVolumeMl,
      tmax10VolumeMl: result.summary.tmax10VolumeMl,
    };
    figures = {
      ...volumes,
      ...mismatchFigures(volumes),
      affectedHemisphere: result.summary.affectedHemisphere ?? core.coreSide,
      eligibility: eligibility(volumes),
    };
    warnings.push(...result.summary.warnings);
    perfusion = { result, loaded: perfusionInput, coreOnPerfusionGrid };
  } else {
    warnings.push(NO_PERFUSION_WARNING);
    figures = {
      coreVolumeMl: core.coreVolumeMl,
      hypoperfusionVolumeMl: null,
      tmax10VolumeMl: null,
      mismatchVolumeMl: null,
      mismatchRatio: null,
      hypoperfusionIntensityRatio: null,
      affectedHemisphere: core.coreSide,
      eligibility: { defuse3: false, extend: false },
    };
  }
  return { StudyInstanceUID, figures, core, diffusionGrid: diffusion.grid, perfusion, series, sameFrameOfReference, warnings, timings };
}
