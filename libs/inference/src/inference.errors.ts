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

/** A model run took longer than its time limit; the caller stopped waiting and its thread was ended. */
export class ModelTimeoutError extends InferenceError {
  constructor(
    readonly modelId: string,
    readonly timeLimitMs: number,
  ) {
    super(`model ${modelId} did not finish within its time limit of ${timeLimitMs} ms`);
  }
}

/** Why a model cannot take an input: the reasons the API and the logs show. */
export type ModelInputReason =
  | 'modality'
  | 'body-part'
  | 'sop-class'
  | 'image-type'
  | 'series-description'
  | 'photometric'
  | 'too-few-slices'
  | 'too-many-slices'
  | 'image-count'
  | 'geometry'
  | 'no-window'
  | 'no-spacing'
  | 'shape'
  | 'pixel-data';

/** The images given to a model are not what its manifest says it takes (wrong modality, too few slices...). */
export class ModelInputError extends InferenceError {
  constructor(
    readonly modelId: string,
    readonly reason: ModelInputReason,
    detail: string,
  ) {
    super(`model ${modelId} cannot take this input (${reason}): ${detail}`);
  }
}

/** Why a model's output cannot be used. */
export type ModelOutputReason = 'missing' | 'dtype' | 'shape' | 'not-finite';

/** A model returned an output that is not what its manifest declares (shape, dtype), or one holding NaN or infinity. */
export class ModelOutputError extends InferenceError {
  constructor(
    readonly modelId: string,
    readonly reason: ModelOutputReason,
    detail: string,
  ) {
    super(`model ${modelId} returned an unusable output (${reason}): ${detail}`);
  }
}

/** A MONAI Bundle that cannot be expressed as a manifest: each unsupported transform or field is named. */
export class UnsupportedMonaiBundleError extends InferenceError {
  constructor(
    readonly directory: string,
    readonly problems: readonly string[],
  ) {
    super(`cannot import the MONAI bundle ${directory}: ${problems.join('; ')}`);
  }
}

/** Bytes that are not an ONNX model (ModelProto): truncated, or another format. */
export class OnnxFormatError extends InferenceError {}
