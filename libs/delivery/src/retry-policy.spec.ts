import { nextRetry, RetryPolicy } from './retry-policy';
import { DeliveryFailedError, DeliveryRejectedError } from './targets/delivery.errors';

const policy: RetryPolicy = { baseDelayMs: 1000, factor: 2, maxDelayMs: 30_000, maxAttempts: 8, jitter: 0 };
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
});
