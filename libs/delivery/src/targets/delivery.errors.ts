// Typed errors of result delivery (DESIGN.md: "DeliveryRejectedError", mapped once to outcomes and retries).

abstract class DeliveryError extends Error {
  override name = this.constructor.name;
  constructor(
    readonly targetId: string,
    message: string,
    /** HTTP status or DIMSE status, when the peer gave one */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The target refused the object for good (HTTP 4xx other than 408/429, STOW-RS FailureReason of a bad object,
 * a DIMSE refusal or failure status, a permanent association rejection): sending it again will not help.
 */
export class DeliveryRejectedError extends DeliveryError {}

/**
 * The object did not get through this time (HTTP 5xx, 408, 429, network error or timeout, DIMSE "out of
 * resources", association lost or rejected transiently): worth trying again later.
 */
export class DeliveryFailedError extends DeliveryError {
  constructor(
    targetId: string,
    message: string,
    status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(targetId, message, status);
  }
}
