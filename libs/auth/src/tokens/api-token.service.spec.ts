import { InvalidApiTokenError } from '../auth.errors';
import { InMemoryTokenStore } from '@nidus/testing';
import { hashApiToken, isWellFormedApiToken, sameHash } from './api-token';
import { ApiTokenService } from './api-token.service';

describe(ApiTokenService.name, () => {
  let store: InMemoryTokenStore;
  let clock: Date;
  let service: ApiTokenService;

  beforeEach(() => {
    store = new InMemoryTokenStore();
    clock = new Date('2025-03-01T08:00:00Z');
    service = new ApiTokenService(store, { now: () => clock, lastUsedResolutionMs: 60_000 });
  });

  const later = (ms: number) => (clock = new Date(clock.getTime() + ms));

  async function reasonOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidApiTokenError);
    return (error as InvalidApiTokenError).reason;
  }

  it('creates a token of 256 random bits that is shown once and stored only as its hash', async () => {
    const { token, record } = await service.create({ name: 'PACS push', role: 'integration', createdBy: 'cli' });
    expect(isWellFormedApiToken(token)).toBe(true);
    expect(Buffer.from(token.slice('nidus_'.length), 'base64url')).toHaveLength(32);
    expect(record).not.toHaveProperty('hash');
    expect(JSON.stringify(await store.list())).not.toContain(token);
    expect((await store.list())[0].hash).toBe(hashApiToken(token));
    expect(record.hint).toBe(`${token.slice(0, 10)}…`);
    const second = await service.create({ name: 'PACS push', role: 'integration', createdBy: 'cli' });
    expect(second.token).not.toBe(token);
  });

  it('authenticates the token as an identity with its role and records when it was last used', async () => {
    const { token, record } = await service.create({ name: 'Orthanc', role: 'integration', createdBy: 'token:admin' });
    const identity = await service.authenticate(token);
    expect(identity).toEqual({ subject: `token:${record.id}`, name: 'Orthanc', roles: ['integration'], method: 'api-token', tokenId: record.id });
    expect((await store.findById(record.id))!.lastUsedAt).toEqual(clock);
    const first = clock;
    later(30_000);
    await service.authenticate(token);
    expect((await store.findById(record.id))!.lastUsedAt).toEqual(first); // within the resolution: no write
    later(30_000);
    await service.authenticate(token);
    expect((await store.findById(record.id))!.lastUsedAt).toEqual(clock);
  });

  it('refuses malformed, unknown, expired and revoked tokens, each with its reason', async () => {
    const { token, record } = await service.create({ name: 'short', role: 'viewer', createdBy: 'cli', expiresAt: new Date(clock.getTime() + 3600_000) });
    expect(await reasonOf(service.authenticate('Bearer ' + token))).toBe('malformed API token');
    expect(await reasonOf(service.authenticate(token.slice(0, -1)))).toBe('malformed API token');
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await reasonOf(service.authenticate(flipped))).toBe('unknown API token');
    await service.authenticate(token);
    later(3600_000);
    expect(await reasonOf(service.authenticate(token))).toBe(`API token ${record.id} expired`);

    const other = await service.create({ name: 'revoked', role: 'viewer', createdBy: 'cli' });
    await service.authenticate(other.token);
    const revoked = await service.revoke(other.record.id, 'token:admin');
    expect(revoked.revokedAt).toEqual(clock);
    expect(revoked.revokedBy).toBe('token:admin');
    expect(await reasonOf(service.authenticate(other.token))).toBe(`API token ${other.record.id} was revoked`);
    later(1000);
    expect((await service.revoke(other.record.id, 'someone else')).revokedBy).toBe('token:admin'); // the first revocation stands
  });

  it('lists tokens newest first without their hashes', async () => {
    await service.create({ name: 'a', role: 'viewer', createdBy: 'cli' });
    later(1000);
    await service.create({ name: 'b', role: 'admin', createdBy: 'cli' });
    const listed = await service.list();
    expect(listed.map((t) => t.name)).toEqual(['b', 'a']);
    for (const t of listed) expect(t).not.toHaveProperty('hash');
  });

  it('rejects bad names, unknown roles, expiry in the past and unknown ids', async () => {
    await expect(service.create({ name: '', role: 'viewer', createdBy: 'cli' })).rejects.toThrow(RangeError);
    await expect(service.create({ name: 'x'.repeat(65), role: 'viewer', createdBy: 'cli' })).rejects.toThrow(RangeError);
    await expect(service.create({ name: 'a\nb', role: 'viewer', createdBy: 'cli' })).rejects.toThrow(RangeError);
    await expect(service.create({ name: 'ok', role: 'root' as never, createdBy: 'cli' })).rejects.toThrow('unknown role "root"');
    await expect(service.create({ name: 'ok', role: 'viewer', createdBy: 'cli', expiresAt: clock })).rejects.toThrow('past');
    await expect(service.revoke('nope', 'cli')).rejects.toThrow('no API token nope');
  });
});

describe(sameHash.name, () => {
  it('is true only for equal hashes of equal length', () => {
    const h = hashApiToken('nidus_x');
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(h, hashApiToken('nidus_y'))).toBe(false);
    expect(sameHash(h, h.slice(0, 32))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});
