import { readFileSync } from 'node:fs';
import type { Acceptance, Analysis, AnalysisEnvironment, AnalysisInput, AnalysisRun, ProducingModel, ResultView, SeriesSummary } from '@nidus/analysis';
import type { Route } from '@nidus/config';
import { readPart10, resultUid, type DicomDataset } from '@nidus/dicom';
import { appliesToMismatch, ModelInputError, type FindingsManifest, type InferenceEngine, type ModelResult } from '@nidus/inference';
import { asModelAnalysisError } from './model-analysis.errors';
import { modelAnalysisResult, type ModelAnalysisResult } from './model-result';
import { modelDefaultRoute } from './model-route';
import { modelView } from './model-view';
import { mergeImageRuns } from './merge-image-runs';
import { buildModelResults, KEY_IMAGE_PURPOSE } from './results/build-model-results';

/** The slice a key image shows: where the masks are largest, or the most probable slice, or the middle one. */
function keySlice(run: ModelResult): number {
  const { slices, rows, columns } = run.geometry;
  if (slices <= 1) return 0;
  const plane = rows * columns;
  if (run.task === 'segmentation') {
    let best = -1;
    let bestCount = 0;
    for (let z = 0; z < slices; z++) {
      let count = 0;
      for (const s of run.segments) for (let v = z * plane; v < (z + 1) * plane; v++) count += s.mask[v];
      if (count > bestCount) [best, bestCount] = [z, count];
    }
    if (best >= 0) return best;
  } else {
    const label = run.findings.find((f) => f.present) ?? run.findings[0];
    if (label?.perSlice?.length === slices) return label.perSlice.indexOf(Math.max(...label.perSlice));
  }
  return Math.floor(slices / 2);
}

/**
 * A findings model of MODELS_DIR as an analysis, made from its manifest alone (docs/models.md): the series its
 * appliesTo names (its default route), run through the model runner (declared preprocessing, the session pool with the
 * model's time limit, outputs checked and mapped back to the source), findings, measurements and masks in the common
 * result, and a SEG, a TID 1500 SR and a key image. Every failure is a ModelAnalysisError with its typed reason.
 */
export class ModelAnalysis implements Analysis<ModelAnalysisResult> {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly model: ProducingModel;
  readonly level = 'series' as const;
  readonly defaultRoutes: readonly Route[];

  constructor(
    readonly manifest: FindingsManifest,
    private readonly environment: Pick<AnalysisEnvironment, 'nidusVersion' | 'uidRoot'>,
    private readonly inference: InferenceEngine,
  ) {
    this.id = manifest.id;
    this.title = `${manifest.id} ${manifest.version}`;
    // the result objects Nidus makes of the model's output may change with Nidus; the model's own identity is `model`
    this.version = environment.nidusVersion;
    this.model = { id: manifest.id, version: manifest.version, sha256: manifest.sha256 };
    this.defaultRoutes = [modelDefaultRoute(manifest)];
  }

  accepts(series: SeriesSummary): Acceptance {
    if (series.timePoints > 1)
      return { accepted: false, reason: `model ${this.id} cannot take this input (geometry): ${series.timePoints} time points; findings models take one` };
    const mismatch = appliesToMismatch(this.manifest.appliesTo, { ...series, slices: this.manifest.consumes === 'image' ? 1 : series.slices });
    if (mismatch) return { accepted: false, reason: new ModelInputError(this.id, mismatch.reason, mismatch.detail).message };
    return { accepted: true };
  }

  async run(input: AnalysisInput): Promise<AnalysisRun<ModelAnalysisResult>> {
    const paths = input.series.flatMap((s) => s.paths);
    let datasets: DicomDataset[];
    let run: ModelResult;
    try {
      if (paths.length === 0) throw new ModelInputError(this.id, 'image-count', 'no images');
      datasets = paths.map((p) => readPart10(readFileSync(p)));
      input.onProgress?.('inference', 0);
      if (this.manifest.consumes === 'image' && datasets.length > 1) {
        // projection images each stand alone: the model runs on each, and the series' result holds them all
        const runs: ModelResult[] = [];
        for (const ds of datasets) runs.push(await this.inference.runner.run(this.id, [ds]));
        run = mergeImageRuns(runs);
      } else {
        run = await this.inference.runner.run(this.id, datasets);
      }
      input.onProgress?.('inference', 1);
    } catch (error) {
      throw asModelAnalysisError(error);
    }
    const first = datasets[0];
    const slice = keySlice(run);
    const keyImageUid = resultUid({ uidRoot: this.environment.uidRoot, uidSeed: input.uidSeed ?? undefined }, KEY_IMAGE_PURPOSE);
    const warnings: string[] = [];
    const result = modelAnalysisResult({
      manifest: this.manifest,
      run,
      analysis: { id: this.id, title: this.title, version: this.version },
      model: this.model,
      source: {
        StudyInstanceUID: input.StudyInstanceUID,
        series: input.series.map((s) => ({ SeriesInstanceUID: s.SeriesInstanceUID, SeriesDescription: first.string('SeriesDescription') ?? null, instances: s.paths.length })),
      },
      // without a seed the UID is random and the view cannot name it before the objects exist
      keyImage: input.uidSeed ? { SOPInstanceUID: keyImageUid, slice } : null,
      warnings,
    });
    const buildObjects = async () => {
      const started = performance.now();
      try {
        const built = await buildModelResults({
          manifest: this.manifest,
          run,
          result,
          datasets,
          keySlice: slice,
          options: { version: this.environment.nidusVersion, uidRoot: this.environment.uidRoot, uidSeed: input.uidSeed },
        });
        result.warnings.push(...built.warnings);
        if (result.keyImage) result.keyImage.SOPInstanceUID = built.keyImage.SOPInstanceUID;
        return built.objects;
      } catch (error) {
        throw asModelAnalysisError(error);
      } finally {
        result.timings.objects = Math.round(performance.now() - started) / 1000;
      }
    };
    return { result, buildObjects };
  }

  view(result: ModelAnalysisResult): ResultView {
    return modelView(this.manifest, result);
  }
}
