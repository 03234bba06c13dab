// Typed errors of CT perfusion analysis: each says why no numbers were produced. Never a guess instead.

export abstract class PerfusionError extends Error {
  override name = this.constructor.name;
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The input is not a 4D perfusion series: too few time points, times not increasing, inconsistent sizes. */
export class NotPerfusionSeriesError extends PerfusionError {}

/** No skull-enclosed brain of plausible size: the series is not of a head. */
export class NotHeadError extends PerfusionError {}

/** No voxel carries an arterial bolus (early, high, narrow enhancement): CBF and Tmax cannot be referenced. */
export class NoArterialInputError extends PerfusionError {}

/** The series starts after the bolus arrives or ends before it has passed through the brain. */
export class SeriesTooShortError extends PerfusionError {}

/** The deconvolution engine failed or returned a result of the wrong shape. */
export class DeconvolutionError extends PerfusionError {}

/** The head moved too much, or too often, for the images to be aligned: the curves would mix tissues. */
export class ExcessiveMotionError extends PerfusionError {}
