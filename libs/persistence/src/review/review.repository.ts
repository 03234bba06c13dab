import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReviewEntity } from './review.entity';

export type NewReview = Omit<ReviewEntity, 'id' | 'reviewedAt'> & { reviewedAt?: Date };

/**
 * Review decisions: added, listed, counted; never changed. The only write is an INSERT of a row with a new id, so a
 * decision given again (even a row read back and passed in) is a new row beside the first; there is no update or
 * delete here, and the database refuses both (migration 1796515200100).
 */
export class ReviewRepository {
  constructor(private readonly db: DataSource) {}

  async add(review: NewReview): Promise<ReviewEntity> {
    const { id: _ignored, ...fields } = review as NewReview & { id?: string };
    const row: ReviewEntity = { ...fields, id: randomUUID(), reviewedAt: review.reviewedAt ?? new Date() };
    await this.db.getRepository(ReviewEntity).insert(row as never);
    return row;
  }

  forStudy(StudyInstanceUID: string): Promise<ReviewEntity[]> {
    return this.db.getRepository(ReviewEntity).find({ where: { StudyInstanceUID }, order: { reviewedAt: 'ASC', id: 'ASC' } });
  }

  /** The StudyInstanceUIDs among these that have at least one review. */
  async reviewedStudies(StudyInstanceUIDs: string[]): Promise<Set<string>> {
    if (!StudyInstanceUIDs.length) return new Set();
    const rows = await this.db
      .getRepository(ReviewEntity)
      .createQueryBuilder('r')
      .select('DISTINCT r.StudyInstanceUID', 'uid')
      .where('r.StudyInstanceUID IN (:...uids)', { uids: StudyInstanceUIDs })
      .getRawMany<{ uid: string }>();
    return new Set(rows.map((r) => r.uid));
  }

  /** Every decision on the runs of one model (by modelId) or of one analysis (by kind). */
  forModel(id: string): Promise<ReviewEntity[]> {
    return this.db
      .getRepository(ReviewEntity)
      .createQueryBuilder('r')
      .where('r.modelId = :id OR r.kind = :id', { id })
      .orderBy('r.reviewedAt', 'ASC')
      .getMany();
  }

  all(): Promise<ReviewEntity[]> {
    return this.db.getRepository(ReviewEntity).find({ order: { reviewedAt: 'ASC' } });
  }

  /** A number that changes whenever a review is added (live updates of the worklist). */
  count(): Promise<number> {
    return this.db.getRepository(ReviewEntity).count();
  }
}
