import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// An unreadable stored instance replaced by an intact copy sent again (issue 12): counted and dated on the
// instance; the series' revision makes its checks and analyses new.

export class InstanceReplacement1796256000001 implements MigrationInterface {
  name = 'InstanceReplacement1796256000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('instance', new TableColumn({ name: 'replacements', type: 'integer', isNullable: false, default: 0 }));
    await q.addColumn('instance', new TableColumn({ name: 'replacedAt', type: 'bigint', isNullable: true }));
    await q.addColumn('series', new TableColumn({ name: 'revision', type: 'integer', isNullable: false, default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('series', 'revision');
    await q.dropColumn('instance', 'replacedAt');
    await q.dropColumn('instance', 'replacements');
  }
}
