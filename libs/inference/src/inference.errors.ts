// Typed errors of the model registry and the ONNX runtime wrapper.

export abstract class InferenceError extends Error {
  override name = this.constructor.name;
}

/** No models/<id>/model.json for this id, or its model file is absent. */
export class ModelNotFoundError extends InferenceError {
  constructor(
    readonly modelId: string,
    detail = '',
  ) {
    super(`model ${modelId} not found${detail ? `: ${detail}` : ''}`);
  }
}

/** A model.json that does not describe a model (missing or malformed fields). */
export class InvalidModelManifestError extends InferenceError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`invalid model manifest ${path}: ${reason}`);
  }
}

/** The model file's SHA-256 differs from its manifest's: it was changed or corrupted. */
export class ModelChecksumError extends InferenceError {
  constructor(
    readonly modelId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`model ${modelId}: sha256 of the model file is ${actual}, the manifest says ${expected}`);
  }
}

/** onnxruntime failed to load or run a model. */
export class InferenceRunError extends InferenceError {}
