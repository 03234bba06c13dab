import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiTokenService, InvalidApiTokenError } from '@nidus/auth';
import { createTestDatabase, DATABASE_KINDS } from '@nidus/testing';
import { openDatabase } from '../data-source';
import { AckLinkUseRepository } from './ack-link-use.repository';
import { ApiTokenRepository } from './api-token.repository';

describe.each(DATABASE_KINDS)('the stores of identities on %s', (kind) => {
  let db: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase(kind, mkdtempSync(join(tmpdir(), 'nidus-auth-db-')));
    drop = created.drop;
    db = await openDatabase(created.config);
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  it(`${ApiTokenRepository.name}: creates, finds by hash, marks use, lists newest first and revokes`, async () => {
    const store = new ApiTokenRepository(db);
    let now = new Date('2030-01-01T00:00:00Z');
    const tokens = new ApiTokenService(store, { now: () => now, lastUsedResolutionMs: 0 });
    const pacs = await tokens.create({ name: 'PACS push', role: 'integration', createdBy: 'cli:root' });
    now = new Date(now.getTime() + 1000);
    const viewer = await tokens.create({ name: 'wall display', role: 'viewer', createdBy: 'cli:root', expiresAt: new Date('2031-01-01T00:00:00Z') });
    expect(await tokens.authenticate(pacs.token)).toMatchObject({ subject: `token:${pacs.record.id}`, name: 'PACS push', roles: ['integration'] });
    expect((await store.findById(pacs.record.id))!.lastUsedAt).toEqual(now);
    const listed = await tokens.list();
    expect(listed.map((t) => t.name)).toEqual(['wall display', 'PACS push']);
    expect(listed[0]).toMatchObject({ expiresAt: new Date('2031-01-01T00:00:00Z'), revokedAt: null, hint: expect.stringMatching(/^nidus_.{4}…$/) });
    expect(listed[0]).not.toHaveProperty('hash');
    await tokens.revoke(viewer.record.id, 'token:admin');
    await expect(tokens.authenticate(viewer.token)).rejects.toThrow(InvalidApiTokenError);
    const revokedAt = (await store.findById(viewer.record.id))!.revokedAt;
    now = new Date(now.getTime() + 5000);
    await tokens.revoke(viewer.record.id, 'token:someone-else'); // once revoked, it stays revoked as it was
    expect(await store.findById(viewer.record.id)).toMatchObject({ revokedAt, revokedBy: 'token:admin' });
    expect(await store.markRevoked('no-such-id', now, 'x')).toBe(false);
  });

  it(`${AckLinkUseRepository.name}: a nonce is consumed once, even by two at the same time, and expired ones are forgotten`, async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const nonces = new AckLinkUseRepository(db, () => now);
    const inAnHour = new Date(now.getTime() + 3600_000);
    const raced = await Promise.all([nonces.consume('n-1', 'A1', inAnHour), nonces.consume('n-1', 'A1', inAnHour)]);
    expect(raced.sort()).toEqual([false, true]);
    expect(await nonces.consume('n-1', 'A1', inAnHour)).toBe(false);
    expect(await nonces.consume('n-2', 'A1', inAnHour)).toBe(true);
    now = new Date(inAnHour.getTime() + 1);
    expect(await nonces.consume('n-3', 'A1', new Date(now.getTime() + 1000))).toBe(true);
    expect(await db.query(`SELECT "nonce" FROM "ack_link_use" ORDER BY "nonce"`)).toEqual([{ nonce: 'n-3' }]);
  });
});
