import { createHash } from 'node:crypto';
import type { AlertsSection, OperationsEvent, OperationsSection } from '@nidus/config';
import type { Logger } from '@nidus/observability';
import { WebhookChannel } from '../alerts/webhook.channel';

/** What a `delivery.failed` event says: which object, which target, how many tries, the last error, why it stopped. */
export interface DeliveryFailedEvent {
  SOPInstanceUID: string;
  targetId: string;
  analysisId: string;
  StudyInstanceUID: string;
  attempts: number;
  lastError: string;
  /** rejected (refused for good), attempts exhausted, retry time exhausted */
  reason: string;
}

/** What an `analysis.failed` event says. */
export interface AnalysisFailedEvent {
  analysisId: string;
  kind: string;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  attempts: number;
  error: string;
}

export interface OperationsEvents {
  'delivery.failed': DeliveryFailedEvent;
  'analysis.failed': AnalysisFailedEvent;
}

/**
 * Tells the people who run Nidus what it could not do, by signed JSON webhooks (the same signature and retries
 * as alert webhooks). Never throws: a webhook that does not answer is logged, and the work goes on.
 */
export class OperationsNotifier {
  private readonly channel: WebhookChannel;

  constructor(
    private readonly section: OperationsSection,
    webhook: AlertsSection['webhook'],
    private readonly logger: Logger,
  ) {
    this.channel = new WebhookChannel(webhook);
  }

  async notify<E extends OperationsEvent>(event: E, body: OperationsEvents[E], at = new Date()): Promise<void> {
    const hooks = this.section.webhooks.filter((w) => w.events.includes(event));
    if (!hooks.length) return;
    const json = JSON.stringify({ event, at: at.toISOString(), ...body });
    // one id per event and subject, the same for each try: receivers drop duplicates with it
    const deliveryId = createHash('sha256')
      .update(`${event}:${JSON.stringify(body)}`)
      .digest('hex')
      .slice(0, 32);
    await Promise.all(
      hooks.map((hook) =>
        this.channel.send(hook, json, { deliveryId, event }).catch((error: Error) => {
          this.logger.error({ event, webhook: hook.name, err: { type: error.name, message: error.message } }, 'operations webhook not reached');
        }),
      ),
    );
  }
}
