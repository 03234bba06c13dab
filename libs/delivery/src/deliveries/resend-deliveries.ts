import { deliveryJobId, type JobQueue } from '@nidus/jobs';
import type { DeliveryEntity, DeliveryFilter, DeliveryRepository } from '@nidus/persistence';

/** A delivery as the API and `nidus deliveries` show it. */
export interface DeliveryView {
  SOPInstanceUID: string;
  targetId: string;
  analysisId: string;
  StudyInstanceUID: string;
  state: DeliveryEntity['state'];
  attempts: number;
  round: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export function toDeliveryView(d: DeliveryEntity): DeliveryView {
  const iso = (t: Date | null) => t?.toISOString() ?? null;
  return {
    SOPInstanceUID: d.SOPInstanceUID,
    targetId: d.targetId,
    analysisId: d.analysisId,
    StudyInstanceUID: d.StudyInstanceUID,
    state: d.state,
    attempts: d.attempts,
    round: d.round,
    lastError: d.lastError,
    lastAttemptAt: iso(d.lastAttemptAt),
    nextAttemptAt: iso(d.nextAttemptAt),
    deliveredAt: iso(d.deliveredAt),
  };
}

/**
 * Sends again what the filter names and is not delivered (by default the `failed` ones): a new round of tries,
 * queued now. The same object already delivered to a target is never resent there.
 */
export async function resendDeliveries(deliveries: DeliveryRepository, queue: JobQueue, filter: DeliveryFilter): Promise<DeliveryEntity[]> {
  const rows = await deliveries.resend(filter);
  for (const d of rows) {
    const payload = { analysisId: d.analysisId, SOPInstanceUID: d.SOPInstanceUID, targetId: d.targetId };
    await queue.enqueue('results.deliver', payload, { jobId: deliveryJobId(payload, d.round, 1) });
  }
  return rows;
}
