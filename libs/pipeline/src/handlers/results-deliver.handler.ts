import type { Logger, Metrics } from '@nidus/observability';
import type { DeliveryTarget } from '@nidus/delivery';
import { ResultFileStore, ResultObjectRepository } from '@nidus/persistence';
import { DEFAULT_JOB_OPTIONS, JobHandler } from '@nidus/jobs';

export interface ResultsDeliverDeps {
  logger: Logger;
  metrics: Metrics;
  results: ResultObjectRepository;
  files: ResultFileStore;
  /** the configured targets by id */
  targets: ReadonlyMap<string, DeliveryTarget>;
}

/** A job whose delivery should be tried again (Bull's backoff); the attempt is already recorded. */
export class DeliveryRetryError extends Error {
  override name = 'DeliveryRetryError';
}

/**
 * Sends one result object to one target, once: an object already delivered there is not sent again; a
 * permanent refusal is recorded with its reason and not retried; a transient failure is retried with backoff.
 */
export function resultsDeliverHandler(deps: ResultsDeliverDeps): JobHandler<'results.deliver'> {
  return async ({ SOPInstanceUID, targetId }, { attempt }) => {
    const object = await deps.results.find(SOPInstanceUID);
    const target = deps.targets.get(targetId);
    const log = { SOPInstanceUID, targetId, attempt };
    if (!object || !target) {
      deps.logger.error({ ...log, known: { object: !!object, target: !!target } }, 'results.deliver for an unknown object or target: dropped');
      return;
    }
    if (await deps.results.delivered(SOPInstanceUID, targetId)) return;
    const [outcome] = await target.deliver([{ SOPInstanceUID, bytes: deps.files.read(object.path) }]);
    await deps.results.recordAttempt(SOPInstanceUID, targetId, attempt, outcome.outcome, outcome.detail);
    deps.metrics.deliveries.inc({ target: targetId, outcome: outcome.outcome });
    if (outcome.outcome === 'delivered') {
      await deps.results.setState(SOPInstanceUID, 'delivered');
      deps.logger.info(log, 'result delivered');
      return;
    }
    const last = attempt >= Number(DEFAULT_JOB_OPTIONS.attempts);
    if (outcome.outcome === 'rejected' || last) {
      await deps.results.setState(SOPInstanceUID, 'failed');
      deps.logger.warn({ ...log, outcome: outcome.outcome, detail: outcome.detail }, 'result not delivered');
      return;
    }
    throw new DeliveryRetryError(`${targetId}: ${outcome.detail}`);
  };
}
