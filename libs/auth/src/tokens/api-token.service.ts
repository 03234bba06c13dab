import { randomUUID } from 'node:crypto';
import { InvalidApiTokenError } from '../auth.errors';
import type { Identity } from '../identity';
import { isRole, Role } from '../roles/role.table';
import { apiTokenHint, generateApiToken, hashApiToken, isWellFormedApiToken, sameHash } from './api-token';
import type { ApiTokenRecord, TokenStore } from './token.store';

export interface ApiTokenServiceOptions {
  now?: () => Date;
  /** last-used time is written at most this often per token, so a busy PACS does not write on every request */
  lastUsedResolutionMs?: number;
}

export interface CreateApiToken {
  name: string;
  role: Role;
  expiresAt?: Date | null;
  createdBy: string;
}

/** A token as listings show it: everything but the hash. */
export type ApiTokenSummary = Omit<ApiTokenRecord, 'hash'>;

/** Creates, checks, lists and revokes API tokens; the token itself exists only in the answer to create. */
export class ApiTokenService {
  private readonly now: () => Date;
  private readonly lastUsedResolutionMs: number;

  constructor(
    private readonly store: TokenStore,
    options: ApiTokenServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.lastUsedResolutionMs = options.lastUsedResolutionMs ?? 60_000;
  }

  async create(request: CreateApiToken): Promise<{ token: string; record: ApiTokenSummary }> {
    const name = request.name.trim();
    if (!/^[\p{L}\p{N} ._@:/-]{1,64}$/u.test(name)) throw new RangeError('a token name is 1 to 64 letters, digits, spaces or . _ @ : / -');
    if (!isRole(request.role)) throw new RangeError(`unknown role ${JSON.stringify(request.role)}`);
    const now = this.now();
    if (request.expiresAt && request.expiresAt.getTime() <= now.getTime()) throw new RangeError('a token cannot expire in the past');
    const token = generateApiToken();
    const record: ApiTokenRecord = {
      id: randomUUID(),
      name,
      role: request.role,
      hash: hashApiToken(token),
      hint: apiTokenHint(token),
      createdAt: now,
      createdBy: request.createdBy,
      expiresAt: request.expiresAt ?? null,
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
    };
    await this.store.insert(record);
    return { token, record: summary(record) };
  }

  /** The identity a presented token proves. Throws InvalidApiTokenError (reason for the log, not the client). */
  async authenticate(token: string): Promise<Identity> {
    if (!isWellFormedApiToken(token)) throw new InvalidApiTokenError('malformed API token');
    const hash = hashApiToken(token);
    const record = await this.store.findByHash(hash);
    // the index lookup already matched; compare again in constant time so no store's string compare decides
    if (!record || !sameHash(record.hash, hash)) throw new InvalidApiTokenError('unknown API token');
    const now = this.now();
    if (record.revokedAt) throw new InvalidApiTokenError(`API token ${record.id} was revoked`);
    if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) throw new InvalidApiTokenError(`API token ${record.id} expired`);
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= this.lastUsedResolutionMs) await this.store.markUsed(record.id, now);
    return { subject: `token:${record.id}`, name: record.name, roles: [record.role], method: 'api-token', tokenId: record.id };
  }

  async list(): Promise<ApiTokenSummary[]> {
    return (await this.store.list()).map(summary);
  }

  /** Revokes by id; the token stops working at once. Throws RangeError for an unknown id. */
  async revoke(id: string, by: string): Promise<ApiTokenSummary> {
    const existing = await this.store.findById(id);
    if (!existing) throw new RangeError(`no API token ${id}`);
    if (!existing.revokedAt) await this.store.markRevoked(id, this.now(), by);
    return summary((await this.store.findById(id))!);
  }
}

function summary(record: ApiTokenRecord): ApiTokenSummary {
  const { hash: _hash, ...rest } = record;
  return rest;
}
