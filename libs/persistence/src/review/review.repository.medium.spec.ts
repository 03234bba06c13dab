import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, DATABASE_KINDS } from '@nidus/testing';
import { openDatabase } from '../data-source';
import { ReviewEntity } from './review.entity';
import { NewReview, ReviewRepository } from './review.repository';

const decision = (comment: string): NewReview => ({
  analysisId: '00000000-0000-4000-8000-000000000001',
  StudyInstanceUID: '1.2.826.0.1.1',
  SeriesInstanceUID: '1.2.826.0.1.2',
  kind: 'ctp',
  analysisVersion: '1.0.0',
  modelId: null,
  modelVersion: null,
  findingKey: 'coreVolumeMl',
  decision: 'corrected',
  analysisValue: 12.5,
  correction: { value: 20, unit: 'mL' },
  comment,
  reviewer: 'oidc|ada',
  reviewerName: 'Dr. Ada',
});

describe.each(DATABASE_KINDS)(`${ReviewRepository.name} on %s`, (kind) => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let reviews: ReviewRepository;

  beforeAll(async () => {
    const created = await createTestDatabase(kind, mkdtempSync(join(tmpdir(), 'nidus-review-')));
    drop = created.drop;
    db = await openDatabase(created.config);
    reviews = new ReviewRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  it('adds a decision given again as a new row beside the first, never over it', async () => {
    const first = await reviews.add(decision('first look'));
    const again = await reviews.add({ ...first, comment: 'second look' } as NewReview);
    expect(again.id).not.toBe(first.id);
    const rows = await reviews.forStudy('1.2.826.0.1.1');
    expect(rows.map((r) => [r.id, r.comment])).toEqual(
      expect.arrayContaining([
        [first.id, 'first look'],
        [again.id, 'second look'],
      ]),
    );
    expect(rows.find((r) => r.id === first.id)?.correction).toEqual({ value: 20, unit: 'mL' });
  });

  it('is refused an UPDATE or DELETE by the database itself, through TypeORM or plain SQL', async () => {
    const row = await reviews.add(decision('kept'));
    const before = await reviews.count();
    const table = db.getRepository(ReviewEntity);
    await expect(table.update({ id: row.id }, { decision: 'accepted' })).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE "review" SET "comment" = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(table.delete({ id: row.id })).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM "review"`)).rejects.toThrow(/append-only/);
    if (kind === 'postgres') await expect(db.query(`TRUNCATE "review"`)).rejects.toThrow(/append-only/);
    expect(await reviews.count()).toBe(before);
    const kept = (await reviews.forStudy('1.2.826.0.1.1')).find((r) => r.id === row.id);
    expect([kept?.decision, kept?.comment]).toEqual(['corrected', 'kept']);
  });
});
