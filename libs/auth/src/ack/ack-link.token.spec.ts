import { InvalidAckLinkError } from '../auth.errors';
import { InMemoryAckNonceStore } from '@nidus/testing';
import { ackLinkIdentity, AckLinkService, AckLinkSigner } from './ack-link.token';

const SECRET = 'webhook-ack-secret-of-at-least-32-bytes!';

describe(AckLinkSigner.name, () => {
  let clock: number;
  let signer: AckLinkSigner;

  beforeEach(() => {
    clock = Date.parse('2025-03-01T08:00:00Z');
    signer = new AckLinkSigner([SECRET], () => clock);
  });

  function reasonOf(fn: () => unknown): string {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidAckLinkError);
      return (error as InvalidAckLinkError).reason;
    }
    throw new Error('did not throw');
  }

  it('issues a URL-safe token whose claims come back on verification', () => {
    const token = signer.issue({ alertId: 'a-17', step: 2, target: 'neuro-pager', ttlSeconds: 900 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(token)).toEqual({ alertId: 'a-17', step: 2, target: 'neuro-pager', expiresAt: clock / 1000 + 900, nonce: expect.any(String) });
    const other = signer.issue({ alertId: 'a-17', step: 2, target: 'neuro-pager', ttlSeconds: 900 });
    expect(signer.verify(other).nonce).not.toBe(signer.verify(token).nonce);
  });

  it('refuses a changed claim, a changed MAC, another key and an expired token', () => {
    const token = signer.issue({ alertId: 'a-1', step: 0, target: 'oncall', ttlSeconds: 60 });
    const [body, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, a: 'a-2' })).toString('base64url');
    expect(reasonOf(() => signer.verify(`${forged}.${mac}`))).toBe('acknowledgement link signature invalid');
    const otherMac = Buffer.from(mac, 'base64url');
    otherMac[5] ^= 0x80;
    expect(reasonOf(() => signer.verify(`${body}.${otherMac.toString('base64url')}`))).toBe('acknowledgement link signature invalid');
    expect(reasonOf(() => new AckLinkSigner(['x'.repeat(32)], () => clock).verify(token))).toBe('acknowledgement link signature invalid');
    clock += 59_000;
    expect(signer.verify(token).alertId).toBe('a-1');
    clock += 1_000;
    expect(reasonOf(() => signer.verify(token))).toBe('acknowledgement link expired');
    for (const junk of ['', 'abc', `${body}.`, `${body}.${mac}.x`, `!!.${mac}`])
      expect(reasonOf(() => signer.verify(junk))).toBe('malformed acknowledgement link');
  });

  it('verifies tokens of a retired secret during rotation', () => {
    const old = signer.issue({ alertId: 'a-1', step: 1, target: 't', ttlSeconds: 60 });
    const rotated = new AckLinkSigner(['n'.repeat(40), SECRET], () => clock);
    expect(rotated.verify(old).step).toBe(1);
    expect(() => signer.verify(rotated.issue({ alertId: 'a-1', step: 1, target: 't', ttlSeconds: 60 }))).toThrow(InvalidAckLinkError);
  });

  it('refuses bad issue requests and short secrets', () => {
    expect(() => signer.issue({ alertId: '', step: 0, target: 't', ttlSeconds: 60 })).toThrow(RangeError);
    expect(() => signer.issue({ alertId: 'a', step: -1, target: 't', ttlSeconds: 60 })).toThrow(RangeError);
    expect(() => signer.issue({ alertId: 'a', step: 0, target: 't', ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => new AckLinkSigner(['short'])).toThrow('at least 32 bytes');
  });
});

describe(AckLinkService.name, () => {
  it('lets a link be looked at any number of times and used once', async () => {
    let clock = Date.now();
    const signer = new AckLinkSigner([SECRET], () => clock);
    const store = new InMemoryAckNonceStore(() => clock);
    const service = new AckLinkService(signer, store);
    const token = signer.issue({ alertId: 'a-9', step: 1, target: 'stroke-team', ttlSeconds: 600 });
    expect(service.inspect(token, 'a-9').alertId).toBe('a-9');
    expect(service.inspect(token).alertId).toBe('a-9');
    const claims = await service.redeem(token, 'a-9');
    expect(ackLinkIdentity(claims)).toEqual({ subject: 'ack:stroke-team', name: 'stroke-team (escalation step 1)', roles: [], method: 'ack-link' });
    await expect(service.redeem(token, 'a-9')).rejects.toThrow(new InvalidAckLinkError('acknowledgement link already used'));
    // another link for the same alert and step is its own use
    await expect(service.redeem(signer.issue({ alertId: 'a-9', step: 1, target: 'stroke-team', ttlSeconds: 600 }))).resolves.toBeDefined();
    // the store forgets nonces once their links have expired
    clock += 601_000;
    await service.redeem(signer.issue({ alertId: 'a-10', step: 0, target: 't', ttlSeconds: 60 }));
    expect(store.size).toBe(1);
  });

  it('refuses a link presented for another alert, without using it', async () => {
    const signer = new AckLinkSigner([SECRET]);
    const service = new AckLinkService(signer, new InMemoryAckNonceStore());
    const token = signer.issue({ alertId: 'a-1', step: 0, target: 't', ttlSeconds: 60 });
    await expect(service.redeem(token, 'a-2')).rejects.toThrow('acknowledgement link is for another alert');
    await expect(service.redeem(token, 'a-1')).resolves.toMatchObject({ alertId: 'a-1' });
  });
});
