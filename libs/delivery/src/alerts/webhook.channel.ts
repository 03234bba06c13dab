import type { AlertsSection, AlertTarget } from '@nidus/config';
import { WebhookRejectedError, WebhookUnavailableError } from './alert.errors';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature';

export interface WebhookDelivery {
  status: number;
  attempts: number;
  /** when the target answered 2xx */
  answeredAt: Date;
}

export type WebhookPolicy = AlertsSection['webhook'];

/** 408 Request Timeout and 429 Too Many Requests ask to come back later (RFC 9110 15.5.9, RFC 6585 4). */
function isRetryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Posts a signed JSON alert to a webhook: a timeout per try, retries with exponential backoff on 5xx,
 * 408, 429 and network errors; any other 4xx is final. Each try is signed afresh with its own timestamp.
 */
export class WebhookChannel {
  constructor(
    private readonly policy: WebhookPolicy,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The longest one `send` can take: what a lease on a page must cover. */
  get budgetMs(): number {
    const { attempts, timeoutSeconds, retryDelaySeconds } = this.policy;
    let delays = 0;
    for (let i = 1; i < attempts; i++) delays += retryDelaySeconds * 1000 * 2 ** (i - 1);
    return attempts * timeoutSeconds * 1000 + delays;
  }

  async send(target: Pick<AlertTarget, 'url' | 'secret'>, body: string, headers: { deliveryId: string; event: string }): Promise<WebhookDelivery> {
    const { attempts, timeoutSeconds, retryDelaySeconds } = this.policy;
    let reason = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.sleep(retryDelaySeconds * 1000 * 2 ** (attempt - 2));
      const timestamp = Math.floor(Date.now() / 1000);
      let response: Response;
      try {
        response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'nidus-alerts',
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signWebhook(target.secret.reveal(), timestamp, body),
            [DELIVERY_HEADER]: headers.deliveryId,
            [EVENT_HEADER]: headers.event,
          },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutSeconds * 1000),
        });
      } catch (error) {
        const e = error as Error & { cause?: { code?: string } };
        reason = e.name === 'TimeoutError' ? `no answer within ${timeoutSeconds} s` : (e.cause?.code ?? e.message);
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return { status: response.status, attempts: attempt, answeredAt: new Date() };
      if (!isRetryable(response.status)) throw new WebhookRejectedError(target.url, response.status, text.slice(0, 200).replace(/\s+/g, ' ').trim());
      reason = `HTTP ${response.status}`;
    }
    throw new WebhookUnavailableError(target.url, attempts, reason);
  }
}
