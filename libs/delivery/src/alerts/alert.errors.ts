/** A webhook answered with a final refusal (4xx other than 408 and 429): trying again will not help. */
export class WebhookRejectedError extends Error {
  override name = 'WebhookRejectedError';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`webhook ${url} refused the alert: HTTP ${status}${reason ? ` ${reason}` : ''}`);
  }
}

/** A webhook did not answer 2xx after every try (5xx, 408, 429, timeout or network error). */
export class WebhookUnavailableError extends Error {
  override name = 'WebhookUnavailableError';
  constructor(
    readonly url: string,
    readonly attempts: number,
    readonly reason: string,
  ) {
    super(`webhook ${url} unavailable after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${reason}`);
  }
}

/** No alert with that id. */
export class AlertNotFoundError extends Error {
  override name = 'AlertNotFoundError';
  constructor(readonly alertId: string) {
    super(`no alert ${alertId}`);
  }
}

/** Someone acknowledged the alert first. */
export class AlertAlreadyAcknowledgedError extends Error {
  override name = 'AlertAlreadyAcknowledgedError';
  constructor(
    readonly alertId: string,
    readonly by: string | null,
    readonly at: Date | null,
  ) {
    super(`alert ${alertId} was already acknowledged${by ? ` by ${by}` : ''}${at ? ` at ${at.toISOString()}` : ''}`);
  }
}

/** Another worker holds the lease to page this alert's next step. */
export class AlertBusyError extends Error {
  override name = 'AlertBusyError';
  constructor(
    readonly alertId: string,
    readonly level: number,
  ) {
    super(`alert ${alertId}: step ${level} is being paged by another worker`);
  }
}
