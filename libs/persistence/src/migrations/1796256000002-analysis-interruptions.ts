import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Tries of an analysis cut off by the death of their worker (issue 12): bounded, then the analysis fails.

export class AnalysisInterruptions1796256000002 implements MigrationInterface {
  name = 'AnalysisInterruptions1796256000002';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('analysis', new TableColumn({ name: 'interruptions', type: 'integer', isNullable: false, default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('analysis', 'interruptions');
  }
}
