import type { DicomDataset } from '@nidus/dicom';
import { appliesToMismatch } from './applies-to-check';
import { InvalidModelManifestError, ModelInputError } from './inference.errors';
import { isFindingsManifest, type FindingsManifest } from './model-manifest';
import { interpretModelOutputs, type ModelFindings } from './model-output-interpretation';
import { sessionKey, type ModelRegistry } from './model-registry';
import type { OnnxSessionRepository, OnnxTensorOutput } from './onnx-session.repository';
import { inputBatches } from './preprocessing/input-tensor';
import { readModelSource, sourceHeaderOf, type SourceGeometry } from './preprocessing/model-source';
import { preprocess } from './preprocessing/preprocess';

/** Wall time of each stage of one model run, ms. */
export interface ModelRunTimings {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  /** CPU time of this process over decode, preprocessing and postprocessing (not the run): the work itself, whatever else the machine does */
  overheadCpuMs: number;
}

export type ModelResult = ModelFindings & {
  modelId: string;
  version: string;
  geometry: SourceGeometry;
  /**
   * The decoded stored values of each source slice (rows x columns, in geometry order), for objects drawn on the
   * source (the key image) without decoding it again. Not part of any result JSON.
   */
  storedSlices: Float32Array[];
  timings: ModelRunTimings;
};

/**
 * A findings model on the images of one series: the manifest's appliesTo checked on the header, the images
 * decoded and preprocessed as declared, the runs on the session pool (with the model's time limit), the
 * outputs checked and turned into findings or masks on the source geometry. Every failure is typed:
 * ModelInputError, ModelOutputError, ModelTimeoutError, InferenceRunError, ModelChecksumError.
 */
export class ModelRunner {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly sessions: OnnxSessionRepository,
    private readonly options: { timeLimitSeconds?: (manifest: FindingsManifest) => number | undefined } = {},
  ) {}

  /** The manifest of a findings model (InvalidModelManifestError for an engine graph). */
  manifest(modelId: string): FindingsManifest {
    const model = this.registry.get(modelId);
    if (!isFindingsManifest(model.manifest)) throw new InvalidModelManifestError(model.path, `${modelId} is an engine graph, not a findings model`);
    return model.manifest;
  }

  async run(modelId: string, datasets: readonly DicomDataset[]): Promise<ModelResult> {
    const manifest = this.manifest(modelId);
    if (datasets.length === 0) throw new ModelInputError(modelId, 'image-count', 'no images');
    const mismatch = appliesToMismatch(manifest.appliesTo, { ...sourceHeaderOf(datasets[0]), slices: datasets.length });
    if (mismatch) throw new ModelInputError(modelId, mismatch.reason, mismatch.detail);
    const { bytes } = this.registry.load(modelId);

    let t = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = now - t;
      t = now;
      return ms;
    };
    const cpu = process.cpuUsage();
    const source = await readModelSource(modelId, datasets, manifest.consumes);
    const decodeMs = lap();
    const prepared = preprocess(manifest, source);
    const batches = inputBatches(manifest, prepared);
    const preprocessMs = lap();
    const beforeRun = process.cpuUsage(cpu);
    const seconds = this.options.timeLimitSeconds ? this.options.timeLimitSeconds(manifest) : manifest.runtime.timeLimitSeconds;
    const timeLimitMs = seconds !== undefined ? seconds * 1000 : undefined;
    const outputs: Record<string, OnnxTensorOutput>[] = [];
    for (const batch of batches) {
      outputs.push(
        await this.sessions.run(
          sessionKey(manifest),
          bytes,
          { [batch.name]: { type: 'float32', data: batch.data, dims: batch.dims } },
          { timeLimitMs, transferInputs: true },
        ),
      );
    }
    const inferenceMs = lap();
    const afterRun = process.cpuUsage();
    const findings = interpretModelOutputs(manifest, prepared, batches, outputs, source.geometry);
    const postprocessMs = lap();
    const post = process.cpuUsage(afterRun);
    const overheadCpuMs = (beforeRun.user + beforeRun.system + post.user + post.system) / 1000;
    const plane = source.geometry.rows * source.geometry.columns;
    return {
      ...findings,
      modelId,
      version: manifest.version,
      geometry: source.geometry,
      storedSlices: Array.from({ length: source.geometry.slices }, (_, z) => source.stored.subarray(z * plane, (z + 1) * plane)),
      timings: { decodeMs, preprocessMs, inferenceMs, postprocessMs, overheadCpuMs },
    };
  }
}
