import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Used acknowledgement links: the nonce is the primary key, so a second use cannot insert.

export class AckLinkUse1796169600002 implements MigrationInterface {
  name = 'AckLinkUse1796169600002';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ack_link_use',
        columns: [
          { name: 'nonce', type: 'varchar', length: '64', isPrimary: true, isNullable: false },
          { name: 'alertId', type: 'varchar', length: '36', isNullable: false },
          { name: 'usedAt', type: 'bigint', isNullable: false },
          { name: 'expiresAt', type: 'bigint', isNullable: false },
        ],
        indices: [new TableIndex({ columnNames: ['expiresAt'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ack_link_use');
  }
}
