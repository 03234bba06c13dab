import type { FindingsManifest } from './model-manifest';
import { ModelRegistry } from './model-registry';
import { ModelRunner } from './model-runner';
import { OnnxSessionRepository, type OnnxSessionOptions } from './onnx-session.repository';

/** How this process runs models (section `inference` of NIDUS_CONFIG). */
export interface InferenceOptions extends Pick<OnnxSessionOptions, 'intraOpNumThreads' | 'executionProviders' | 'maxConcurrentRuns'> {
  /** a model run's time limit when its manifest names none, seconds */
  timeLimitSeconds?: number;
  /** per model id: its time limit in seconds, over the manifest's */
  modelTimeLimitSeconds?: Readonly<Record<string, number>>;
}

/**
 * The inference of one process: the models under MODELS_DIR and the onnxruntime sessions, opened once and
 * shared by every analysis (CT perfusion's deconvolution graph, findings models).
 */
export class InferenceEngine {
  readonly sessions: OnnxSessionRepository;
  readonly models: ModelRegistry;
  /** findings models through the session pool, with the time limits in effect */
  readonly runner: ModelRunner;

  constructor(
    modelsDir: string,
    private readonly options: InferenceOptions = {},
  ) {
    this.models = new ModelRegistry(modelsDir);
    this.sessions = new OnnxSessionRepository({
      intraOpNumThreads: options.intraOpNumThreads,
      executionProviders: options.executionProviders,
      maxConcurrentRuns: options.maxConcurrentRuns,
    });
    this.runner = new ModelRunner(this.models, this.sessions, { timeLimitSeconds: (m) => this.timeLimitSeconds(m) });
  }

  /** A model's time limit: the configuration's for this model, else its manifest's, else the configured default. */
  timeLimitSeconds(manifest: Pick<FindingsManifest, 'id' | 'runtime'>): number | undefined {
    return this.options.modelTimeLimitSeconds?.[manifest.id] ?? manifest.runtime.timeLimitSeconds ?? this.options.timeLimitSeconds;
  }

  /** Releases the onnxruntime sessions and their thread. */
  close(): Promise<void> {
    return this.sessions.release();
  }
}
