import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Delivery state per result object and target (issue 12): state, tries, last error, when the next try is due.

export class DeliveryState1796256000000 implements MigrationInterface {
  name = 'DeliveryState1796256000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'delivery',
        columns: [
          { name: 'SOPInstanceUID', type: 'varchar', length: '64', isPrimary: true, isNullable: false },
          { name: 'targetId', type: 'varchar', length: '64', isPrimary: true, isNullable: false },
          { name: 'analysisId', type: 'varchar', length: '36', isNullable: false },
          { name: 'StudyInstanceUID', type: 'varchar', length: '64', isNullable: false },
          { name: 'state', type: 'varchar', length: '16', isNullable: false },
          { name: 'attempts', type: 'integer', isNullable: false, default: 0 },
          { name: 'round', type: 'integer', isNullable: false, default: 0 },
          { name: 'lastError', type: 'text', isNullable: true },
          { name: 'firstFailedAt', type: 'bigint', isNullable: true },
          { name: 'lastAttemptAt', type: 'bigint', isNullable: true },
          { name: 'nextAttemptAt', type: 'bigint', isNullable: true },
          { name: 'deliveredAt', type: 'bigint', isNullable: true },
          { name: 'createdAt', type: 'bigint', isNullable: false },
        ],
        indices: [
          new TableIndex({ columnNames: ['analysisId'] }),
          new TableIndex({ columnNames: ['StudyInstanceUID'] }),
          new TableIndex({ columnNames: ['state'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('delivery');
  }
}
