import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// What produced an analysis: the analysis's version and its model's checksum (the input key includes both).

export class AnalysisIdentity1796083200000 implements MigrationInterface {
  name = 'AnalysisIdentity1796083200000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('analysis', [
      new TableColumn({ name: 'analysisVersion', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'modelSha256', type: 'varchar', length: '64', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('analysis', 'modelSha256');
    await q.dropColumn('analysis', 'analysisVersion');
  }
}
