import type { Logger, Metrics } from '@nidus/observability';
import { DeliveryFailedError, nextRetry, type DeliveryTarget, type OperationsNotifier, type RetryPolicy } from '@nidus/delivery';
import { AnalysisRepository, DeliveryRepository, ResultFileStore, ResultObjectRepository, type DeliveryEntity } from '@nidus/persistence';
import { deliveryJobId, JobHandler } from '@nidus/jobs';

export interface ResultsDeliverDeps {
  logger: Logger;
  metrics: Metrics;
  results: ResultObjectRepository;
  deliveries: DeliveryRepository;
  analyses: AnalysisRepository;
  files: ResultFileStore;
  /** the configured targets by id */
  targets: ReadonlyMap<string, DeliveryTarget>;
  /** NIDUS_CONFIG `delivery` (retryPolicyOf) */
  policy: RetryPolicy;
  operations: Pick<OperationsNotifier, 'notify'>;
  random?: () => number;
}

/** The delivery state of a result object over all its targets: delivered when every one is, failed when one failed. */
async function aggregate(deps: ResultsDeliverDeps, SOPInstanceUID: string): Promise<void> {
  const rows = await deps.deliveries.list({ SOPInstanceUID });
  const state = rows.every((r) => r.state === 'delivered') ? 'delivered' : rows.some((r) => r.state === 'failed') ? 'failed' : 'pending';
  await deps.results.setState(SOPInstanceUID, state);
}

/**
 * Sends one result object to one target, once, and keeps trying by the one retry policy of NIDUS_CONFIG: each
 * try is recorded in the `delivery` row (state, tries, last error, next try) and the next try is queued as its own
 * delayed job; a permanent refusal, or the end of the retry span, is final, recorded as `failed` and reported to
 * operations (`delivery.failed`). An object already delivered there is not sent again.
 */
export function resultsDeliverHandler(deps: ResultsDeliverDeps): JobHandler<'results.deliver'> {
  const random = deps.random ?? Math.random;
  return async (payload, { followUp }) => {
    const { SOPInstanceUID, targetId, analysisId } = payload;
    const object = await deps.results.find(SOPInstanceUID);
    const target = deps.targets.get(targetId);
    if (!object || !target) {
      deps.logger.error(
        { SOPInstanceUID, targetId, known: { object: !!object, target: !!target } },
        'results.deliver for an unknown object or target: dropped',
      );
      return;
    }
    const analysis = await deps.analyses.findById(analysisId);
    let row: DeliveryEntity | null = await deps.deliveries.find(SOPInstanceUID, targetId);
    if (!row) {
      // queued before delivery rows existed
      await deps.deliveries.plan([{ SOPInstanceUID, targetId, analysisId, StudyInstanceUID: analysis?.StudyInstanceUID ?? '' }]);
      row = (await deps.deliveries.find(SOPInstanceUID, targetId))!;
    }
    if (row.state === 'delivered' || row.state === 'failed') return;
    if (await deps.results.delivered(SOPInstanceUID, targetId)) {
      await deps.deliveries.recordDelivered(SOPInstanceUID, targetId); // sent, then the process died before this
      return;
    }
    const attempt = row.attempts + 1;
    const log = { SOPInstanceUID, targetId, attempt, round: row.round };
    let bytes: Buffer;
    try {
      bytes = deps.files.read(object.path);
    } catch (error) {
      await finalFailure(deps, row, attempt, `result file unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'rejected');
      return;
    }
    const [outcome] = await target.deliver([{ SOPInstanceUID, bytes }]);
    await deps.results.recordAttempt(SOPInstanceUID, targetId, attempt, outcome.outcome, outcome.detail);
    if (outcome.outcome === 'delivered') {
      await deps.deliveries.recordDelivered(SOPInstanceUID, targetId);
      deps.metrics.deliveries.inc({ target: targetId, outcome: 'delivered' });
      await aggregate(deps, SOPInstanceUID);
      deps.logger.info(log, 'result delivered');
      return;
    }
    const now = new Date();
    const elapsed = row.firstFailedAt ? now.getTime() - row.firstFailedAt.getTime() : 0;
    const decision = nextRetry(attempt, outcome.error ?? new DeliveryFailedError(targetId, outcome.detail), deps.policy, random(), elapsed);
    if (!decision.retry) {
      await finalFailure(deps, row, attempt, outcome.detail, decision.reason, now);
      return;
    }
    const nextAttemptAt = new Date(now.getTime() + decision.delayMs);
    await deps.deliveries.recordFailure(SOPInstanceUID, targetId, outcome.detail, { state: 'waiting', nextAttemptAt }, now);
    deps.metrics.deliveries.inc({ target: targetId, outcome: 'retry' });
    deps.logger.warn({ ...log, detail: outcome.detail, nextAttemptAt }, 'result not delivered yet; trying again');
    await followUp('results.deliver', {
      payload,
      priority: analysis?.priority === 'stat' ? 'stat' : 'routine',
      delayMs: decision.delayMs,
      jobId: deliveryJobId(payload, row.round, attempt + 1),
    });
  };
}

/** The end of a delivery: recorded as failed, counted as such (not as a retry), reported to operations. */
async function finalFailure(deps: ResultsDeliverDeps, row: DeliveryEntity, attempt: number, detail: string, reason: string, at = new Date()): Promise<void> {
  const { SOPInstanceUID, targetId } = row;
  await deps.deliveries.recordFailure(SOPInstanceUID, targetId, detail, { state: 'failed' }, at);
  deps.metrics.deliveries.inc({ target: targetId, outcome: reason === 'rejected' ? 'rejected' : 'failed' });
  await aggregate(deps, SOPInstanceUID);
  deps.logger.error({ SOPInstanceUID, targetId, attempt, detail, reason }, 'result not delivered: given up');
  await deps.operations.notify('delivery.failed', {
    SOPInstanceUID,
    targetId,
    analysisId: row.analysisId,
    StudyInstanceUID: row.StudyInstanceUID,
    attempts: attempt,
    lastError: detail,
    reason,
  });
}
