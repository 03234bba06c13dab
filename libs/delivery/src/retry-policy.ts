import { DeliveryRejectedError } from './targets/delivery.errors';

/** Exponential backoff with a cap (delay = base * factor^(attempt-1), at most maxDelayMs), and a last attempt. */
export interface RetryPolicy {
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** attempts in all, the first one included; after this many, give up */
  maxAttempts: number;
  /** spread delays by up to this fraction (0..1) downwards, so many failed deliveries do not return at once */
  jitter: number;
}

/** 10 s, 20 s, 40 s ... capped at 10 min; 12 attempts span about 1 h 15 min. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 10_000, factor: 2, maxDelayMs: 600_000, maxAttempts: 12, jitter: 0.2 };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'rejected' | 'attempts exhausted' };

/**
 * Whether and when to try again after attempt number `attempt` (1 = the first try) failed with `error`.
 * A permanent refusal (DeliveryRejectedError) is never retried; anything else is, until maxAttempts.
 * A peer's Retry-After (DeliveryFailedError.retryAfterMs) lengthens the delay, within the cap. Pure: `random`
 * (0..1) is a parameter.
 */
export function nextRetry(attempt: number, error: unknown, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random = 0.5): RetryDecision {
  if (error instanceof DeliveryRejectedError) return { retry: false, reason: 'rejected' };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts exhausted' };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1));
  const jittered = backoff * (1 - policy.jitter * Math.min(1, Math.max(0, random)));
  const retryAfter = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  const delayMs = typeof retryAfter === 'number' && retryAfter > jittered ? Math.min(policy.maxDelayMs, retryAfter) : jittered;
  return { retry: true, delayMs: Math.round(delayMs) };
}
