import type { DeliverySection } from '@nidus/config';
import { DeliveryRejectedError } from './targets/delivery.errors';

/**
 * The one retry policy of result delivery: exponential backoff with a cap (delay = base * factor^(attempt-1), at
 * most maxDelayMs), for a time span from the first failure and, when given, a number of attempts.
 */
export interface RetryPolicy {
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** keep trying this long after the first failed attempt */
  giveUpAfterMs: number;
  /** attempts in all, the first one included; null: only giveUpAfterMs bounds them */
  maxAttempts: number | null;
  /** spread delays by up to this fraction (0..1) downwards, so many failed deliveries do not return at once */
  jitter: number;
}

/** 10 s, 20 s, 40 s ... capped at 10 min, for 24 h (NIDUS_CONFIG `delivery` defaults). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 10_000,
  factor: 2,
  maxDelayMs: 600_000,
  giveUpAfterMs: 86_400_000,
  maxAttempts: null,
  jitter: 0.2,
};

/** The policy NIDUS_CONFIG's `delivery` section sets. */
export function retryPolicyOf(delivery: Omit<DeliverySection, 'targets'>): RetryPolicy {
  return {
    baseDelayMs: delivery.initialBackoffSeconds * 1000,
    factor: delivery.backoffFactor,
    maxDelayMs: delivery.maxBackoffSeconds * 1000,
    giveUpAfterMs: delivery.retryForSeconds * 1000,
    maxAttempts: delivery.maxAttempts ?? null,
    jitter: delivery.jitter,
  };
}

export type GiveUpReason = 'rejected' | 'attempts exhausted' | 'retry time exhausted';
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: GiveUpReason };

/**
 * Whether and when to try again after attempt number `attempt` (1 = the first try) failed with `error`, `elapsedMs`
 * after the first failed attempt. A permanent refusal (DeliveryRejectedError) is never retried; anything else is,
 * until maxAttempts or giveUpAfterMs; the last delay is cut so that the last try falls on the deadline. A peer's
 * Retry-After (DeliveryFailedError.retryAfterMs, RFC 9110 10.2.3) lengthens the delay, within the cap. Pure:
 * `random` (0..1) is a parameter.
 */
export function nextRetry(attempt: number, error: unknown, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random = 0.5, elapsedMs = 0): RetryDecision {
  if (error instanceof DeliveryRejectedError) return { retry: false, reason: 'rejected' };
  if (policy.maxAttempts !== null && attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts exhausted' };
  const remaining = policy.giveUpAfterMs - elapsedMs;
  if (remaining <= 0) return { retry: false, reason: 'retry time exhausted' };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1));
  const jittered = backoff * (1 - policy.jitter * Math.min(1, Math.max(0, random)));
  const retryAfter = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  const delayMs = typeof retryAfter === 'number' && retryAfter > jittered ? Math.min(policy.maxDelayMs, retryAfter) : jittered;
  return { retry: true, delayMs: Math.round(Math.min(delayMs, remaining)) };
}
