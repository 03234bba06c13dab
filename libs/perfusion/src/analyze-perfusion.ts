import type { Volume4D } from '@nidus/imaging';
import type { AnalysisGrid } from './analysis-grid';
import { biasTables } from './bias-tables.stage';
import { startDeconvolution } from './deconvolution.stage';
import type { Deconvolver } from './deconvolver';
import { denoiseCurvesBySlice } from './denoise.stage';
import { prepareGrid, validatePerfusionGeometry } from './grid.stage';
import { haemodynamicMaps } from './haemodynamic-maps.stage';
import { measureLesions } from './lesions.stage';
import { correctMotion } from './motion.stage';
import { assessQuality, parenchymaOf } from './quality.stage';
import { BRAIN_MAX_HU, BRAIN_MIN_HU } from './brain-mask';
import { resolvePerfusionOptions, type AnalyzePerfusionOptions, type PerfusionSettings, type PerfusionStage } from './perfusion-options';
import type { PerfusionResult } from './perfusion-result';
import { assembleResult } from './result.stage';
import { CT_SIGNAL_MODEL, type SignalModel } from './signal-model';
import { findVesselsAndBrain } from './vessels.stage';

/** Progress reports as each stage starts, and seconds spent per named step. */
function stageClock(onProgress: AnalyzePerfusionOptions['onProgress']) {
  const timings: Record<string, number> = {};
  let clock = performance.now();
  return {
    timings,
    start: (stage: PerfusionStage, fraction: number) => onProgress?.(stage, fraction),
    lap: (name: string) => {
      const now = performance.now();
      timings[name] = (timings[name] ?? 0) + (now - clock) / 1000;
      clock = now;
    },
  };
}

type StageClock = ReturnType<typeof stageClock>;

/**
 * The stages from the grid to the maps. A function of their own, so that the curves, the residues and
 * what was made from them are garbage once the maps exist (the lesion and result stages need none of it).
 */
async function perfusionMaps(
  grid: AnalysisGrid,
  skullEdge: Uint8Array | null,
  deconvolver: Deconvolver,
  settings: PerfusionSettings,
  model: SignalModel,
  { start, lap }: StageClock,
) {
  start('baseline', 0.1);
  const { arrival, baseline, curves, noiseHu, warnings } = model.concentration(grid, skullEdge);
  lap('baseline');

  start('mask', 0.2);
  const head = model.head(grid, baseline);
  lap('mask');

  start('vessels', 0.25);
  const modelParenchyma = model.parenchyma?.(grid, head, baseline);
  const { vascular, brain } = findVesselsAndBrain(grid, head, baseline, curves, skullEdge, modelParenchyma);
  lap('mask/aif');

  // The deconvolution is fed slice by slice as the denoising finishes each one, so that the deconvolver
  // (onnxruntime, on threads of its own) works while the next slices are filtered; 'deconvolution' is
  // the wait that is left once the denoising is done.
  start('denoise', 0.35);
  const job = startDeconvolution(grid.timesSeconds, arrival.arrivalIndex, vascular.arterial, brain.mask, deconvolver, settings.deconvolution);
  const plane = grid.columns * grid.rows;
  const denoised = await denoiseCurvesBySlice(curves, grid.timePoints, grid, brain.mask, arrival, noiseHu, settings.denoise, (done, final) =>
    job.add(final, done * plane),
  );
  lap('denoise');

  start('deconvolution', 0.5);
  const deconvolution = await job.finish();
  lap('deconvolution');

  start('maps', 0.8);
  const bias = biasTables(deconvolution, settings.maps);
  lap('bias tables');
  const inputs = {
    geometry: grid,
    brainMask: brain.mask,
    timesSeconds: grid.timesSeconds,
    baselineFrames: arrival.baselineFrames,
    denoised,
    deconvolution,
    bias,
  };
  const maps = haemodynamicMaps(inputs, settings.maps);
  lap('maps');
  const parenchyma = modelParenchyma ?? parenchymaOf(head.intracranial, baseline, BRAIN_MIN_HU, BRAIN_MAX_HU);
  return { head, vascular, maps, parenchyma, warnings: [...warnings, ...vascular.warnings] };
}

/** A grid built frame by frame (startGrid), checked again: time points may have been left out since. */
function checkedGrid(grid: AnalysisGrid): AnalysisGrid {
  validatePerfusionGeometry(grid.source);
  return grid;
}

/**
 * Perfusion analysis of one 4D series (CT, or MR DSC with options.signalModel) (DESIGN.md "Stroke CT perfusion: the contract"), as a sequence
 * of stages, each a pure function of its own file. Fails with a typed PerfusionError, stating its reason,
 * when the series cannot support numbers. The input is the whole volume, or its grid built frame by frame
 * (startGrid with the same maxPixelMm), which spares holding the full-resolution volume.
 */
export async function analyzePerfusion(
  input: Volume4D | AnalysisGrid,
  deconvolver: Deconvolver,
  options: AnalyzePerfusionOptions = {},
): Promise<PerfusionResult> {
  const settings = resolvePerfusionOptions(options);
  const clock = stageClock(options.onProgress);

  clock.start('prepare', 0);
  const prepared = 'hu' in input ? checkedGrid(input) : prepareGrid(input, settings.grid);
  clock.lap('prepare');

  const signalModel = options.signalModel ?? CT_SIGNAL_MODEL;
  clock.start('motion', 0.05);
  const motionOptions = signalModel.registersOnBone ? settings.motion : { ...settings.motion, enabled: false };
  const { grid, motion, skullEdge, warnings: motionWarnings } = correctMotion(prepared, motionOptions);
  clock.lap('motion');

  const { head, vascular, maps, parenchyma, warnings: mapWarnings } = await perfusionMaps(grid, skullEdge, deconvolver, settings, signalModel, clock);
  const warnings = [...motionWarnings, ...mapWarnings];

  clock.start('volumes', 0.9);
  const lesions = measureLesions(grid, maps, head.side, settings.lesions);
  clock.lap('volumes');

  const quality = assessQuality({ grid, vascular, motion, tissue: maps.tissue, parenchyma });
  return assembleResult(grid, vascular, maps, lesions, warnings, clock.timings, motion, quality);
}
