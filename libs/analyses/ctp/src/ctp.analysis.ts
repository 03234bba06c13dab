import { readFileSync } from 'node:fs';
import type { Acceptance, Analysis, AnalysisEnvironment, AnalysisInput, AnalysisProvider, AnalysisRun, ProducingModel, SeriesSummary } from '@nidus/analysis';
import { AnalysisInputError } from '@nidus/analysis';
import type { Route } from '@nidus/config';
import { DicomError, readPart10, ThrownValueError } from '@nidus/dicom';
import { CodecLoadError } from '@nidus/imaging';
import { CTP_DECONVOLUTION_MODEL, OnnxDeconvolver, type InferenceEngine } from '@nidus/inference';
import { PerfusionError } from '@nidus/perfusion';
import { analyzeCtpFiles } from './analyze-ctp-files';
import { CTP_ANALYSIS_ID, CTP_TITLE, ctpResult, type CtpResult } from './ctp-result';
import { ctpView } from './ctp-view';
import { buildCtpResults } from './results/build-ctp-results';

/** CT head perfusion goes to this analysis at stat priority unless NIDUS_CONFIG routes otherwise. */
export const CTP_DEFAULT_ROUTES: Route[] = [
  {
    name: 'ct-head-perfusion',
    match: { Modality: ['CT'], SeriesDescription: 'perf|ctp|4d', minTimePoints: 10 },
    analysis: CTP_ANALYSIS_ID,
    priority: 'stat',
  },
];

/**
 * The input cannot support numbers (perfusion refusals, unreadable or undecodable images): a typed reason, recorded
 * and not retried. A codec that failed to load, or a value thrown that is no Error, is this machine's failure: retried.
 */
function asInputError(error: unknown): unknown {
  if (error instanceof CodecLoadError || error instanceof ThrownValueError) return error;
  if (error instanceof PerfusionError || error instanceof DicomError) {
    return new AnalysisInputError(error.name, error.message, { cause: error });
  }
  return error;
}

/**
 * Stroke CT perfusion triage (DESIGN.md "Stroke CT perfusion: the contract"): a 4D CT series in, core,
 * hypoperfusion, mismatch and eligibility out, with a SEG, a TID 1500 SR and summary images.
 */
export class CtpAnalysis implements Analysis<CtpResult> {
  readonly id = CTP_ANALYSIS_ID;
  readonly title = CTP_TITLE;
  readonly level = 'series' as const;
  readonly defaultRoutes = CTP_DEFAULT_ROUTES;
  readonly version: string;
  readonly model: ProducingModel;
  private readonly deconvolver: OnnxDeconvolver;

  constructor(
    private readonly environment: Pick<AnalysisEnvironment, 'nidusVersion' | 'uidRoot'>,
    inference: InferenceEngine,
  ) {
    const { manifest } = inference.models.get(CTP_DECONVOLUTION_MODEL);
    this.model = { id: manifest.id, version: manifest.version, sha256: manifest.sha256 };
    this.version = environment.nidusVersion;
    this.deconvolver = new OnnxDeconvolver(inference.models, inference.sessions);
  }

  accepts(series: SeriesSummary): Acceptance {
    if ((series.Modality ?? '').toUpperCase() !== 'CT')
      return { accepted: false, reason: `modality ${series.Modality ?? '(none)'}: CT perfusion needs a CT series` };
    if (series.timePoints < 2) return { accepted: false, reason: `one time point per slice position (${series.slices} slices): not a perfusion series` };
    return { accepted: true };
  }

  async run(input: AnalysisInput): Promise<AnalysisRun<CtpResult>> {
    const paths = input.series.flatMap((s) => s.paths);
    const SeriesInstanceUID = input.series.length === 1 ? input.series[0].SeriesInstanceUID : undefined;
    let analysed;
    try {
      analysed = await analyzeCtpFiles(paths, { deconvolver: this.deconvolver, SeriesInstanceUID, keepAnatomy: true, onProgress: input.onProgress });
    } catch (error) {
      throw asInputError(error);
    }
    // the source's geometry, and its first time point's images for the anatomy under the maps
    const volume = analysed.anatomy!;
    const result = ctpResult({
      summary: analysed.result.summary,
      quality: analysed.result,
      maps: analysed.result.maps,
      voxelVolumeMl: (volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2]) / 1000,
      series: analysed.series,
      warnings: analysed.warnings,
      timings: analysed.timings,
      version: this.version,
      model: this.model,
    });
    const buildObjects = async () => {
      const started = performance.now();
      // Patient, Study and Frame of Reference come from an image of the analysed series.
      const header = (p: string) => readPart10(readFileSync(p), { untilTag: 'x7fe00010' });
      const source = paths.map(header).find((h) => h.string('SeriesInstanceUID') === analysed.series.SeriesInstanceUID)!;
      try {
        const built = await buildCtpResults(analysed.result, volume, [source], {
          version: this.environment.nidusVersion,
          uidRoot: this.environment.uidRoot,
          uidSeed: input.uidSeed,
        });
        return built.objects;
      } catch (error) {
        throw asInputError(error);
      } finally {
        result.timings.results = Math.round(performance.now() - started) / 1000;
      }
    };
    return { result, buildObjects };
  }

  view(result: CtpResult) {
    return ctpView(result);
  }
}

/** CT perfusion is installed wherever its deconvolution graph is (models/ctp-deconvolution). */
export const ctpAnalyses: AnalysisProvider = {
  name: 'ctp',
  provide(environment) {
    try {
      return { analyses: [new CtpAnalysis(environment, environment.inference)] };
    } catch (error) {
      return { analyses: [], problems: [{ id: CTP_ANALYSIS_ID, reason: (error as Error).message }] };
    }
  },
};
