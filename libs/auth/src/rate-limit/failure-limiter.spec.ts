import { addressKey, TokenBucketLimiter } from './failure-limiter';

describe(TokenBucketLimiter.name, () => {
  let clock: number;
  const limiter = (o = {}) => new TokenBucketLimiter({ burst: 3, refillPerMinute: 6, now: () => clock, ...o });

  beforeEach(() => (clock = 1_000_000));

  it('allows a burst of failures, then blocks with the seconds until the next attempt', async () => {
    const l = limiter();
    for (let i = 0; i < 3; i++) {
      expect(await l.check('10.0.0.1')).toEqual({ allowed: true });
      await l.recordFailure('10.0.0.1');
    }
    expect(await l.check('10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    clock += 4_000;
    expect(await l.check('10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(await l.check('10.0.0.2')).toEqual({ allowed: true }); // per address
    clock += 6_000;
    expect(await l.check('10.0.0.1')).toEqual({ allowed: true });
    await l.recordFailure('10.0.0.1');
    expect((await l.check('10.0.0.1')).allowed).toBe(false); // one token back, used again
  });

  it('forgives steadily up to the burst and no further', async () => {
    const l = limiter();
    await l.recordFailure('a');
    clock += 3600_000;
    for (let i = 0; i < 3; i++) await l.recordFailure('a');
    expect((await l.check('a')).allowed).toBe(false);
  });

  it('keeps at most maxKeys keys, forgetting refilled ones first and then the oldest', async () => {
    const l = limiter({ maxKeys: 3 });
    await l.recordFailure('old');
    clock += 30_000; // 'old' is full again
    for (const k of ['b', 'c', 'd']) await l.recordFailure(k);
    expect(l.size).toBe(3);
    for (let i = 0; i < 3; i++) await l.recordFailure('attacker');
    expect(l.size).toBe(3);
    expect((await l.check('attacker')).allowed).toBe(false);
  });
});

describe(addressKey.name, () => {
  it('counts IPv4 by address and IPv6 by /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('')).toBe('');
  });
});
