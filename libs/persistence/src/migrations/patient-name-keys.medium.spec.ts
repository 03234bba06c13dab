import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, DATABASE_KINDS } from '@nidus/testing';
import { openDatabase } from '../data-source';
import { StudyEntity } from '../study/study.entity';
import { PatientNameKeys1796601600000 } from './1796601600000-patient-name-keys';

describe.each(DATABASE_KINDS)(`${PatientNameKeys1796601600000.name} on %s`, (kind) => {
  it('fills the match keys of the studies indexed before it, and is undone by down()', async () => {
    const created = await createTestDatabase(kind, mkdtempSync(join(tmpdir(), 'nidus-keys-db-')));
    const db = await openDatabase(created.config);
    try {
      const runner = db.createQueryRunner();
      await new PatientNameKeys1796601600000().down(runner);
      const at = Date.now();
      const insert = (uid: string, name: string | null) =>
        runner.query(
          `INSERT INTO study ("StudyInstanceUID", "PatientName", "firstReceivedAt", "lastReceivedAt") VALUES (${kind === 'postgres' ? '$1, $2, $3, $4' : '?, ?, ?, ?'})`,
          [uid, name, at, at],
        );
      await insert('1.2.1', 'Trần^Văn Đức');
      await insert('1.2.2', 'Yamada^Tarou=山田^太郎=やまだ^たろう');
      await insert('1.2.3', null);
      await new PatientNameKeys1796601600000().up(runner);
      await runner.release();
      const rows = await db.getRepository(StudyEntity).find({ order: { StudyInstanceUID: 'ASC' } });
      expect(rows.map((r) => [r.PatientNameAlphabeticKey, r.PatientNameIdeographicKey, r.PatientNamePhoneticKey])).toEqual([
        ['tran^van duc', null, null],
        ['yamada^tarou', '山田^太郎', 'やまだ^たろう'],
        [null, null, null],
      ]);
    } finally {
      await db.destroy();
      await created.drop();
    }
  });
});
