import type { DataSource } from 'typeorm';
import type { AckNonceStore } from '@nidus/auth';
import { AckLinkUseEntity } from './ack-link-use.entity';

/** Used acknowledgement links (libs/auth AckNonceStore): the primary key on the nonce makes a use once. */
export class AckLinkUseRepository implements AckNonceStore {
  constructor(
    private readonly db: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async consume(nonce: string, alertId: string, expiresAt: Date): Promise<boolean> {
    const repo = this.db.getRepository(AckLinkUseEntity);
    const now = this.now();
    // INSERT OR IGNORE (SQLite) / ON CONFLICT DO NOTHING (PostgreSQL): atomic whoever races; a row inserted is a first use
    const [sql, parameters] = repo.createQueryBuilder().insert().values({ nonce, alertId, usedAt: now, expiresAt }).orIgnore().getQueryAndParameters();
    const runner = this.db.createQueryRunner();
    let inserted: boolean;
    try {
      inserted = (await runner.query(sql, parameters, true)).affected === 1;
    } finally {
      await runner.release();
    }
    // links past their expiry are refused by their signature already: their nonces need not be kept
    await repo
      .createQueryBuilder()
      .delete()
      .where(`${this.db.driver.escape('expiresAt')} < :now`, { now: now.getTime() })
      .execute();
    return inserted;
  }
}
