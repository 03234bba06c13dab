import { loadConfig } from '@nidus/config';
import { DEFAULT_RETRY_POLICY, nextRetry, RetryPolicy, retryPolicyOf } from './retry-policy';
import { DeliveryFailedError, DeliveryRejectedError } from './targets/delivery.errors';

const policy: RetryPolicy = { baseDelayMs: 1000, factor: 2, maxDelayMs: 30_000, maxAttempts: 8, giveUpAfterMs: 3_600_000, jitter: 0 };
const failed = new DeliveryFailedError('pacs', 'HTTP 503', 503);

describe(nextRetry.name, () => {
  it('backs off exponentially and stops growing at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((a) => nextRetry(a, failed, policy));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000].map((delayMs) => ({ retry: true, delayMs })));
  });

  it('never retries a permanent refusal, even on the first attempt', () => {
    expect(nextRetry(1, new DeliveryRejectedError('pacs', 'HTTP 404', 404), policy)).toEqual({ retry: false, reason: 'rejected' });
  });

  it('gives up after maxAttempts, and retries unknown errors (network) until then', () => {
    expect(nextRetry(7, new Error('ECONNRESET'), policy).retry).toBe(true);
    expect(nextRetry(8, new Error('ECONNRESET'), policy)).toEqual({ retry: false, reason: 'attempts exhausted' });
    expect(nextRetry(8, failed, policy)).toEqual({ retry: false, reason: 'attempts exhausted' });
  });

  it('honours a longer Retry-After, within the cap', () => {
    expect(nextRetry(1, new DeliveryFailedError('pacs', '429', 429, 12_000), policy)).toEqual({ retry: true, delayMs: 12_000 });
    expect(nextRetry(1, new DeliveryFailedError('pacs', '503', 503, 120_000), policy)).toEqual({ retry: true, delayMs: 30_000 });
    expect(nextRetry(5, new DeliveryFailedError('pacs', '503', 503, 100), policy)).toEqual({ retry: true, delayMs: 16_000 });
  });

  it('spreads delays downwards by the jitter fraction of the given random draw', () => {
    const jittery = { ...policy, jitter: 0.5 };
    expect(nextRetry(3, failed, jittery, 0)).toEqual({ retry: true, delayMs: 4000 });
    expect(nextRetry(3, failed, jittery, 1)).toEqual({ retry: true, delayMs: 2000 });
    expect(nextRetry(3, failed, jittery, 0.5)).toEqual({ retry: true, delayMs: 3000 });
  });

  it('keeps trying for the time span, and makes the last try fall on the deadline', () => {
    const timed = { ...policy, maxAttempts: null, giveUpAfterMs: 100_000 };
    expect(nextRetry(500, failed, timed, 0, 10_000)).toEqual({ retry: true, delayMs: 30_000 });
    expect(nextRetry(500, failed, timed, 0, 90_000)).toEqual({ retry: true, delayMs: 10_000 });
    expect(nextRetry(500, failed, timed, 0, 100_000)).toEqual({ retry: false, reason: 'retry time exhausted' });
  });
});

describe(retryPolicyOf.name, () => {
  it('defaults to 24 h of capped exponential backoff, with no cap on the tries', () => {
    expect(retryPolicyOf(loadConfig({}).delivery)).toEqual(DEFAULT_RETRY_POLICY);
    // 10 s doubling to 10 min: a day holds about 150 tries
    let elapsed = 0;
    let attempt = 1;
    for (let d = nextRetry(1, failed); d.retry; d = nextRetry(++attempt, failed, DEFAULT_RETRY_POLICY, 0.5, elapsed)) elapsed += d.delayMs;
    expect(elapsed).toBe(86_400_000);
    expect(attempt).toBeGreaterThan(140);
    expect(attempt).toBeLessThan(200);
  });

  it('reads the delivery section of NIDUS_CONFIG', () => {
    const section = { initialBackoffSeconds: 0.5, maxBackoffSeconds: 4, backoffFactor: 3, retryForSeconds: 60, maxAttempts: 5, jitter: 0 };
    expect(retryPolicyOf(section)).toEqual({ baseDelayMs: 500, factor: 3, maxDelayMs: 4000, giveUpAfterMs: 60_000, maxAttempts: 5, jitter: 0 });
  });
});
