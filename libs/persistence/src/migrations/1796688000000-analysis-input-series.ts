import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// The series a study-level analysis runs on, each with its role (MR stroke: diffusion, perfusion); null for a
// series-level analysis, whose one series is SeriesInstanceUID.

export class AnalysisInputSeries1796688000000 implements MigrationInterface {
  name = 'AnalysisInputSeries1796688000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('analysis', new TableColumn({ name: 'inputSeries', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('analysis', 'inputSeries');
  }
}
