/** A route or an analysis run names an analysis that is not installed. */
export class UnknownAnalysisError extends Error {
  override name = 'UnknownAnalysisError';
  constructor(
    readonly analysisId: string,
    installed: readonly string[],
  ) {
    super(`no analysis named ${analysisId} is installed (installed: ${installed.join(', ') || 'none'})`);
  }
}

/** A route of NIDUS_CONFIG sends series to an analysis that is not installed: start-up stops on it. */
export class RouteToUnknownAnalysisError extends Error {
  override name = 'RouteToUnknownAnalysisError';
  constructor(
    readonly route: string,
    readonly analysisId: string,
    installed: readonly string[],
  ) {
    super(`route ${route} names analysis ${analysisId}, which is not installed (installed: ${installed.join(', ') || 'none'})`);
  }
}

/** Two installed analyses claim the same id. */
export class DuplicateAnalysisError extends Error {
  override name = 'DuplicateAnalysisError';
  constructor(readonly analysisId: string) {
    super(`two analyses are named ${analysisId}`);
  }
}

/**
 * The input cannot be analysed (wrong modality, too few slices, no baseline...): recorded as the analysis's
 * failure with its typed reason, not retried. `reason` names the analysis's own error (NotPerfusionSeriesError).
 */
export class AnalysisInputError extends Error {
  override name = 'AnalysisInputError';
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** As stored with the failed analysis and shown by the API: `NotPerfusionSeriesError: one time point per slice`. */
  describe(): string {
    return `${this.reason}: ${this.message}`;
  }
}
