import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Review decisions of the review page (issue 15): one row per decision, never updated.

export class Review1796515200000 implements MigrationInterface {
  name = 'Review1796515200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'review',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true, isNullable: false },
          { name: 'analysisId', type: 'varchar', length: '36', isNullable: false },
          { name: 'StudyInstanceUID', type: 'varchar', length: '64', isNullable: false },
          { name: 'SeriesInstanceUID', type: 'varchar', length: '64', isNullable: false },
          { name: 'kind', type: 'varchar', length: '64', isNullable: false },
          { name: 'analysisVersion', type: 'varchar', length: '64', isNullable: true },
          { name: 'modelId', type: 'varchar', length: '64', isNullable: true },
          { name: 'modelVersion', type: 'varchar', length: '32', isNullable: true },
          { name: 'findingKey', type: 'varchar', length: '128', isNullable: false },
          { name: 'decision', type: 'varchar', length: '16', isNullable: false },
          { name: 'analysisValue', type: 'text', isNullable: true },
          { name: 'correction', type: 'text', isNullable: true },
          { name: 'comment', type: 'text', isNullable: true },
          { name: 'reviewer', type: 'varchar', length: '256', isNullable: false },
          { name: 'reviewerName', type: 'varchar', length: '256', isNullable: true },
          { name: 'reviewedAt', type: 'bigint', isNullable: false },
        ],
        indices: [
          new TableIndex({ columnNames: ['analysisId'] }),
          new TableIndex({ columnNames: ['StudyInstanceUID'] }),
          new TableIndex({ columnNames: ['modelId'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('review');
  }
}
