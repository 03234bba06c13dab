import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidAckLinkError } from '../auth.errors';
import type { Identity } from '../identity';

/** What an acknowledgement link stands for: one alert, as paged at one escalation step to one target. */
export interface AckLinkClaims {
  alertId: string;
  /** the escalation step the page was sent at (the audit trail names it) */
  step: number;
  /** who was paged: the delivery target's id (a webhook, a pager group) */
  target: string;
  /** epoch seconds */
  expiresAt: number;
  /** makes each link unique; the single-use store remembers it */
  nonce: string;
}

interface Wire {
  v: 1;
  a: string;
  s: number;
  t: string;
  e: number;
  n: string;
}

const MAC_CONTEXT = 'nidus-ack-link-v1.';

/**
 * Signs and checks acknowledgement link tokens: base64url(JSON claims) "." base64url(HMAC-SHA256). A token
 * alone proves only that Nidus issued it for that alert, step and target until it expires; single use is the
 * AckLinkService's part. Several secrets: the first signs, all verify (rotation).
 */
export class AckLinkSigner {
  private readonly keys: Buffer[];

  constructor(
    secrets: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    if (secrets.length === 0) throw new RangeError('at least one acknowledgement link secret is needed');
    for (const s of secrets) if (Buffer.byteLength(s) < 32) throw new RangeError('an acknowledgement link secret must be at least 32 bytes');
    this.keys = secrets.map((s) => Buffer.from(s, 'utf8'));
  }

  issue(link: { alertId: string; step: number; target: string; ttlSeconds: number }): string {
    if (!link.alertId || !link.target) throw new RangeError('an acknowledgement link needs an alert id and a target');
    if (!Number.isInteger(link.step) || link.step < 0) throw new RangeError('an escalation step is a non-negative integer');
    if (!(link.ttlSeconds > 0)) throw new RangeError('an acknowledgement link must expire in the future');
    const wire: Wire = {
      v: 1,
      a: link.alertId,
      s: link.step,
      t: link.target,
      e: Math.floor(this.now() / 1000 + link.ttlSeconds),
      n: randomBytes(16).toString('base64url'),
    };
    const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
    return `${body}.${this.mac(this.keys[0], body).toString('base64url')}`;
  }

  /** The claims of a genuine, unexpired token; throws InvalidAckLinkError otherwise. No side effect. */
  verify(token: string): AckLinkClaims {
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) throw new InvalidAckLinkError('malformed acknowledgement link');
    const [, body, macText] = match;
    const mac = Buffer.from(macText, 'base64url');
    if (!this.keys.some((key) => timingSafeEqual(this.mac(key, body), mac))) throw new InvalidAckLinkError('acknowledgement link signature invalid');
    let wire: Wire;
    try {
      wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Wire;
    } catch {
      throw new InvalidAckLinkError('malformed acknowledgement link');
    }
    if (
      wire.v !== 1 ||
      typeof wire.a !== 'string' ||
      typeof wire.t !== 'string' ||
      typeof wire.n !== 'string' ||
      !Number.isInteger(wire.s) ||
      !Number.isFinite(wire.e)
    ) {
      throw new InvalidAckLinkError('malformed acknowledgement link');
    }
    if (wire.e * 1000 <= this.now()) throw new InvalidAckLinkError('acknowledgement link expired');
    return { alertId: wire.a, step: wire.s, target: wire.t, expiresAt: wire.e, nonce: wire.n };
  }

  private mac(key: Buffer, body: string): Buffer {
    return createHmac('sha256', key).update(MAC_CONTEXT).update(body).digest();
  }
}

/** Remembers used link nonces until their links expire (a table with a primary key on the nonce, in libs/persistence). */
export interface AckNonceStore {
  /** true the first time a nonce is consumed, false ever after (atomic: INSERT ... ON CONFLICT DO NOTHING) */
  consume(nonce: string, alertId: string, expiresAt: Date): Promise<boolean>;
}

/** Acknowledgement by link: look without using (the confirmation page), then use exactly once. */
export class AckLinkService {
  constructor(
    private readonly signer: AckLinkSigner,
    private readonly nonces: AckNonceStore,
  ) {}

  /**
   * For GET: what the link would acknowledge, without using it. Chat apps and mail scanners fetch links
   * to preview them, so a GET must never acknowledge; the page it shows POSTs to redeem.
   */
  inspect(token: string, alertId?: string): AckLinkClaims {
    const claims = this.signer.verify(token);
    if (alertId !== undefined && claims.alertId !== alertId) throw new InvalidAckLinkError('acknowledgement link is for another alert');
    return claims;
  }

  /** For POST: the claims, once; a second use throws InvalidAckLinkError. */
  async redeem(token: string, alertId?: string): Promise<AckLinkClaims> {
    const claims = this.inspect(token, alertId);
    if (!(await this.nonces.consume(claims.nonce, claims.alertId, new Date(claims.expiresAt * 1000)))) {
      throw new InvalidAckLinkError('acknowledgement link already used');
    }
    return claims;
  }
}

/** The identity an acknowledgement by link acts as: the paged target, at its step. */
export function ackLinkIdentity(claims: AckLinkClaims): Identity {
  return { subject: `ack:${claims.target}`, name: `${claims.target} (escalation step ${claims.step})`, roles: [], method: 'ack-link' };
}
