import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { patientNameKeyColumns } from '../study/patient-name-keys';

// PatientName match keys on the study (one per component group), filled for the studies already indexed from
// the name they hold. A name indexed before names were decoded by their character set stays as it was read.

const COLUMNS = ['PatientNameAlphabeticKey', 'PatientNameIdeographicKey', 'PatientNamePhoneticKey'] as const;

export class PatientNameKeys1796601600000 implements MigrationInterface {
  name = 'PatientNameKeys1796601600000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns(
      'study',
      COLUMNS.map((name) => new TableColumn({ name, type: 'varchar', length: '324', isNullable: true })),
    );
    const postgres = q.connection.options.type === 'postgres';
    const at = (i: number) => (postgres ? `$${i}` : '?');
    const rows: { StudyInstanceUID: string; PatientName: string }[] = await q.query(
      `SELECT "StudyInstanceUID", "PatientName" FROM study WHERE "PatientName" IS NOT NULL`,
    );
    for (const row of rows) {
      const keys = patientNameKeyColumns(row.PatientName);
      await q.query(`UPDATE study SET ${COLUMNS.map((c, i) => `"${c}" = ${at(i + 1)}`).join(', ')} WHERE "StudyInstanceUID" = ${at(4)}`, [
        ...COLUMNS.map((c) => keys[c]),
        row.StudyInstanceUID,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of COLUMNS) await q.dropColumn('study', name);
  }
}
