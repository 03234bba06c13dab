import { AnalysisInputError } from '@nidus/analysis';
import { DicomError, ThrownValueError } from '@nidus/dicom';
import { CodecLoadError } from '@nidus/imaging';
import { InferenceError, ModelInputError, ModelOutputError } from '@nidus/inference';

/**
 * A findings model's failure on one series, as the pipeline records it (not retried, no result object sent):
 * `reason` is the typed error with its own reason, e.g. `ModelOutputError(not-finite)`, `ModelTimeoutError`,
 * `ModelInputError(too-few-slices)`; the message is the error's. A bad model or input fails the same way every time,
 * so trying again only holds the queue up.
 */
export class ModelAnalysisError extends AnalysisInputError {
  override name = 'ModelAnalysisError';
}

/** The typed reason of an error: its name, with the model's own reason where it has one. */
export function typedReason(error: Error): string {
  if (error instanceof ModelInputError || error instanceof ModelOutputError) return `${error.name}(${error.reason})`;
  return error.name;
}

/**
 * Errors of the model, its manifest or its input become ModelAnalysisError; a codec that failed to load, or a value
 * thrown that is no Error, is this machine's passing failure and is rethrown as it is (the job is retried).
 */
export function asModelAnalysisError(error: unknown): unknown {
  if (error instanceof CodecLoadError || error instanceof ThrownValueError) return error;
  if (error instanceof InferenceError || error instanceof DicomError) {
    return new ModelAnalysisError(typedReason(error), error.message, { cause: error });
  }
  return error;
}
