import { isIPv4, isIPv6 } from 'node:net';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts failed sign-ins and token checks per key (an address); a Redis-backed one can share counts across gateways. */
export interface FailureLimiter {
  /** whether the key may try now; asked before the credential is checked */
  check(key: string): Promise<LimitDecision>;
  /** one failed attempt by the key */
  recordFailure(key: string): Promise<void>;
}

/**
 * The key to count an address under: IPv4 as it is (an IPv4-mapped IPv6 address as its IPv4), IPv6 by its
 * /64, which one subscriber holds whole, so walking through the addresses of one network does not escape.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1];
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return bare;
  const groups = expandIPv6(bare);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  const fill = tail !== undefined ? Array(8 - left.length - right.length).fill('0') : [];
  return [...left, ...fill, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}

export interface TokenBucketOptions {
  /** failures allowed in a burst (default 10) */
  burst?: number;
  /** failures forgiven per minute afterwards (default 5) */
  refillPerMinute?: number;
  /** keys remembered at most; past that, the fully refilled and then the oldest are forgotten (default 10 000) */
  maxKeys?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per key, in memory: each failure takes a token, tokens come back at a steady rate. */
export class TokenBucketLimiter implements FailureLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions = {}) {
    this.burst = options.burst ?? 10;
    this.perMs = (options.refillPerMinute ?? 5) / 60_000;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!(this.burst >= 1) || !(this.perMs > 0)) throw new RangeError('a rate limit needs a burst of at least 1 and a positive refill');
  }

  async check(key: string): Promise<LimitDecision> {
    const tokens = this.level(key);
    if (tokens >= 1) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
  }

  async recordFailure(key: string): Promise<void> {
    const tokens = this.level(key);
    this.buckets.delete(key); // re-insert: Map order is then least recently failed first
    this.buckets.set(key, { tokens: Math.max(0, tokens - 1), at: this.now() });
    if (this.buckets.size > this.maxKeys) this.evict();
  }

  get size(): number {
    return this.buckets.size;
  }

  private level(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.burst;
    return Math.min(this.burst, bucket.tokens + (this.now() - bucket.at) * this.perMs);
  }

  private evict(): void {
    for (const key of [...this.buckets.keys()]) if (this.level(key) >= this.burst) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
