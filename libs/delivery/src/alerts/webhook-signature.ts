import { createHmac, timingSafeEqual } from 'node:crypto';

// Alert webhooks are signed like common webhook providers do: HMAC-SHA256 (RFC 2104, FIPS 180-4) with the
// target's shared secret over `<timestamp>.<body>`, so a receiver can check origin and integrity and refuse
// replays outside a time window.

export const SIGNATURE_HEADER = 'X-Nidus-Signature';
export const TIMESTAMP_HEADER = 'X-Nidus-Timestamp';
/** the same for every try of one page: receivers drop duplicates with it */
export const DELIVERY_HEADER = 'X-Nidus-Delivery';
export const EVENT_HEADER = 'X-Nidus-Event';

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`); timestamp in Unix seconds. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a signature in constant time and the timestamp against a tolerance (default 5 minutes).
 * For receivers (and our tests).
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number,
  body: string,
  signature: string,
  options: { toleranceSeconds?: number; now?: Date } = {},
): boolean {
  const ts = typeof timestamp === 'number' ? timestamp : Number(timestamp);
  if (!Number.isInteger(ts)) return false;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - ts) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
