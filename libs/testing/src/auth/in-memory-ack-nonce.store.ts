import type { AckNonceStore } from '@nidus/auth';

/** AckNonceStore in a Map, forgetting nonces whose links have expired. */
export class InMemoryAckNonceStore implements AckNonceStore {
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async consume(nonce: string, _alertId: string, expiresAt: Date): Promise<boolean> {
    const now = this.now();
    for (const [n, until] of this.used) if (until <= now) this.used.delete(n);
    if (this.used.has(nonce)) return false;
    this.used.set(nonce, expiresAt.getTime());
    return true;
  }

  get size(): number {
    return this.used.size;
  }
}
