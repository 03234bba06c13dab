import type { DataSource } from 'typeorm';
import type { ApiTokenRecord, Role, TokenStore } from '@nidus/auth';
import { ApiTokenEntity } from './api-token.entity';

function record(entity: ApiTokenEntity): ApiTokenRecord {
  return { ...entity, role: entity.role as Role };
}

/** The API tokens, for libs/auth's ApiTokenService. */
export class ApiTokenRepository implements TokenStore {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(ApiTokenEntity);
  }

  async insert(token: ApiTokenRecord): Promise<void> {
    await this.repo.insert(token);
  }

  async findByHash(hash: string): Promise<ApiTokenRecord | undefined> {
    const found = await this.repo.findOneBy({ hash });
    return found ? record(found) : undefined;
  }

  async findById(id: string): Promise<ApiTokenRecord | undefined> {
    const found = await this.repo.findOneBy({ id });
    return found ? record(found) : undefined;
  }

  async list(): Promise<ApiTokenRecord[]> {
    return (await this.repo.find({ order: { createdAt: 'DESC', id: 'ASC' } })).map(record);
  }

  async markRevoked(id: string, at: Date, by: string): Promise<boolean> {
    if (!(await this.repo.existsBy({ id }))) return false;
    const c = (name: keyof ApiTokenEntity) => this.db.driver.escape(name);
    // only the first revocation counts: who and when stay as they were
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: at, revokedBy: by })
      .where(`${c('id')} = :id AND ${c('revokedAt')} IS NULL`, { id })
      .execute();
    return true;
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
}
