import type { ApiTokenRecord, TokenStore } from '@nidus/auth';

/** TokenStore in a Map: for unit tests of the services and for `nidus analyze`-style embedded runs. */
export class InMemoryTokenStore implements TokenStore {
  private readonly records = new Map<string, ApiTokenRecord>();

  async insert(record: ApiTokenRecord): Promise<void> {
    if (this.records.has(record.id) || [...this.records.values()].some((r) => r.hash === record.hash)) throw new Error('duplicate token');
    this.records.set(record.id, { ...record });
  }

  async findByHash(hash: string): Promise<ApiTokenRecord | undefined> {
    const found = [...this.records.values()].find((r) => r.hash === hash);
    return found && { ...found };
  }

  async findById(id: string): Promise<ApiTokenRecord | undefined> {
    const found = this.records.get(id);
    return found && { ...found };
  }

  async list(): Promise<ApiTokenRecord[]> {
    return [...this.records.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((r) => ({ ...r }));
  }

  async markRevoked(id: string, at: Date, by: string): Promise<boolean> {
    const record = this.records.get(id);
    if (!record) return false;
    if (!record.revokedAt) Object.assign(record, { revokedAt: at, revokedBy: by });
    return true;
  }

  async markUsed(id: string, at: Date): Promise<void> {
    const record = this.records.get(id);
    if (record) record.lastUsedAt = at;
  }
}
