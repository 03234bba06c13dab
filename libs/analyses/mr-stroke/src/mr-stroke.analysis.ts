import type {
  Acceptance,
  Analysis,
  AnalysisEnvironment,
  AnalysisInput,
  AnalysisProvider,
  AnalysisRun,
  ProducingModel,
  SeriesSummary,
  StudyRoles,
} from '@nidus/analysis';
import { AnalysisInputError } from '@nidus/analysis';
import type { Route } from '@nidus/config';
import { DicomError, frameDatasets, ThrownValueError, type DicomDataset } from '@nidus/dicom';
import { DiffusionError } from '@nidus/diffusion';
import { CodecLoadError } from '@nidus/imaging';
import { CTP_DECONVOLUTION_MODEL, OnnxDeconvolver, type InferenceEngine } from '@nidus/inference';
import { PerfusionError } from '@nidus/perfusion';
import { analyzeMrStrokeFiles } from './analyze-mr-stroke-files';
import { buildMrStrokeObjects } from './mr-stroke-objects';
import { MR_STROKE_ANALYSIS_ID, MR_STROKE_TITLE, mrStrokeResult, type MrStrokeResult } from './mr-stroke-result';
import { mrStrokeView } from './mr-stroke-view';
import { mrHeaderFacts } from './recognition/mr-header-facts';
import { MR_SERIES_ROLES, recogniseMrSeries, type MrSeriesRole } from './recognition/mr-series-role';

/** How long a study with its diffusion series complete waits for its DSC series before a core-only result, s. */
export const MR_STROKE_WAIT_SECONDS = 120;

/** MR brain series go to this analysis at stat priority unless NIDUS_CONFIG routes otherwise; each series' role comes from its headers. */
export const MR_STROKE_DEFAULT_ROUTES: Route[] = [{ name: 'mr-stroke', match: { Modality: ['MR'] }, analysis: MR_STROKE_ANALYSIS_ID, priority: 'stat' }];

function asInputError(error: unknown): unknown {
  if (error instanceof CodecLoadError || error instanceof ThrownValueError) return error;
  if (error instanceof PerfusionError || error instanceof DiffusionError || error instanceof DicomError) {
    return new AnalysisInputError(error.name, error.message, { cause: error });
  }
  return error;
}

/**
 * MR stroke triage (after RAPID MRI), a study-level analysis: the diffusion series (or the scanner's ADC map) gives
 * the core, the DSC series Tmax through the CT perfusion engine; mismatch, DEFUSE 3 / EXTEND and side from both, with
 * the same SEG, TID 1500 SR and summary images as CT perfusion. Runs when both series are complete, or after
 * MR_STROKE_WAIT_SECONDS with the diffusion alone ("no perfusion series: core only").
 */
export class MrStrokeAnalysis implements Analysis<MrStrokeResult> {
  readonly id = MR_STROKE_ANALYSIS_ID;
  readonly title = MR_STROKE_TITLE;
  readonly level = 'study' as const;
  readonly defaultRoutes = MR_STROKE_DEFAULT_ROUTES;
  readonly version: string;
  readonly model: ProducingModel;
  readonly study: StudyRoles;
  private readonly deconvolver: OnnxDeconvolver;

  constructor(
    private readonly environment: Pick<AnalysisEnvironment, 'nidusVersion' | 'uidRoot'>,
    inference: InferenceEngine,
    waitSeconds = MR_STROKE_WAIT_SECONDS,
  ) {
    const { manifest } = inference.models.get(CTP_DECONVOLUTION_MODEL);
    this.model = { id: manifest.id, version: manifest.version, sha256: manifest.sha256 };
    this.version = `${environment.nidusVersion}+mr1`;
    this.deconvolver = new OnnxDeconvolver(inference.models, inference.sessions);
    this.study = {
      roles: MR_SERIES_ROLES,
      // the core needs diffusion (or the ADC map); perfusion is waited for, then done without
      ready: (present) => present.includes('diffusion') || present.includes('adc'),
      complete: (present) => (present.includes('diffusion') || present.includes('adc')) && present.includes('perfusion'),
      waitSeconds,
      roleOf: (_series: SeriesSummary, headers: readonly DicomDataset[]) => recogniseMrSeries(headers.flatMap(frameDatasets).map(mrHeaderFacts)).role,
    };
  }

  accepts(series: SeriesSummary): Acceptance {
    if ((series.Modality ?? '').toUpperCase() !== 'MR')
      return { accepted: false, reason: `modality ${series.Modality ?? '(none)'}: MR stroke needs MR series` };
    return { accepted: true };
  }

  async run(input: AnalysisInput): Promise<AnalysisRun<MrStrokeResult>> {
    const paths = input.series.flatMap((s) => s.paths);
    const roles: Record<string, MrSeriesRole | undefined> = {};
    for (const s of input.series) if (s.role && (MR_SERIES_ROLES as readonly string[]).includes(s.role)) roles[s.SeriesInstanceUID] = s.role as MrSeriesRole;
    let analysed;
    try {
      analysed = await analyzeMrStrokeFiles(paths, { deconvolver: this.deconvolver, roles, onProgress: input.onProgress });
    } catch (error) {
      throw asInputError(error);
    }
    const used = analysed.series.filter((s) => s.role !== null);
    const perfusionGrid = analysed.perfusion?.loaded.volume;
    const voxelMl = perfusionGrid ? (perfusionGrid.spacingMm[0] * perfusionGrid.spacingMm[1] * perfusionGrid.spacingMm[2]) / 1000 : 0;
    const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
    const core = analysed.perfusion ? analysed.perfusion.coreOnPerfusionGrid : analysed.core.coreMask;
    const coreVoxelMl = analysed.perfusion ? voxelMl : analysed.diffusionGrid.spacingMm.reduce((a, b) => a * b, 1) / 1000;
    const result = mrStrokeResult({
      figures: analysed.figures,
      StudyInstanceUID: analysed.StudyInstanceUID || input.StudyInstanceUID,
      series: used.map((s) => ({ role: s.role!, SeriesInstanceUID: s.SeriesInstanceUID, SeriesDescription: s.SeriesDescription, instances: s.paths.length })),
      masks: {
        core: { voxels: count(core), volumeMl: count(core) * coreVoxelMl },
        hypoperfusion: analysed.perfusion
          ? { voxels: count(analysed.perfusion.result.maps.hypoperfusionMask), volumeMl: count(analysed.perfusion.result.maps.hypoperfusionMask) * voxelMl }
          : null,
      },
      adcSource: analysed.core.adcSource,
      sameFrameOfReference: analysed.sameFrameOfReference,
      warnings: analysed.warnings,
      timings: analysed.timings,
      version: this.version,
      model: this.model,
    });
    const buildObjects = async () => {
      const started = performance.now();
      try {
        return await buildMrStrokeObjects(analysed, { version: this.environment.nidusVersion, uidRoot: this.environment.uidRoot, uidSeed: input.uidSeed });
      } catch (error) {
        throw asInputError(error);
      } finally {
        result.timings.results = Math.round(performance.now() - started) / 1000;
      }
    };
    return { result, buildObjects };
  }

  view(result: MrStrokeResult) {
    return mrStrokeView(result);
  }
}

/** MR stroke is installed wherever the perfusion deconvolution graph is (models/ctp-deconvolution). */
export const mrStrokeAnalyses: AnalysisProvider = {
  name: MR_STROKE_ANALYSIS_ID,
  provide(environment) {
    try {
      return { analyses: [new MrStrokeAnalysis(environment, environment.inference)] };
    } catch (error) {
      return { analyses: [], problems: [{ id: MR_STROKE_ANALYSIS_ID, reason: (error as Error).message }] };
    }
  },
};
