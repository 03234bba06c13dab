import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Alert paging lease and last failure (Table API: runs on SQLite and PostgreSQL alike).

export class AlertClaim1764489600000 implements MigrationInterface {
  name = 'AlertClaim1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('alert', [
      new TableColumn({ name: 'claimedUntil', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'lastError', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('alert', 'lastError');
    await q.dropColumn('alert', 'claimedUntil');
  }
}
