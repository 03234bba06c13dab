import { ModelRegistry } from './model-registry';
import { OnnxSessionRepository } from './onnx-session.repository';

/**
 * The inference of one process: the models under MODELS_DIR and the onnxruntime sessions, opened once and
 * shared by every analysis (CT perfusion's deconvolution graph, findings models).
 */
export class InferenceEngine {
  readonly sessions = new OnnxSessionRepository();
  readonly models: ModelRegistry;

  constructor(modelsDir: string) {
    this.models = new ModelRegistry(modelsDir);
  }

  /** Releases the onnxruntime sessions and their thread. */
  close(): Promise<void> {
    return this.sessions.release();
  }
}
