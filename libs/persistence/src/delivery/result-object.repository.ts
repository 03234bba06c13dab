import { DataSource } from 'typeorm';
import { DeliveryAttemptEntity, DeliveryOutcome } from './delivery-attempt.entity';
import { DeliveryState, ResultObjectEntity } from './result-object.entity';

/** Result objects and their delivery history. */
export class ResultObjectRepository {
  constructor(private readonly db: DataSource) {}

  /** Records an object once; a re-run that made the same object (same SOPInstanceUID) changes nothing. */
  async recordOnce(object: Omit<ResultObjectEntity, 'deliveryState' | 'createdAt'>): Promise<boolean> {
    const repo = this.db.getRepository(ResultObjectEntity);
    if (await repo.findOneBy({ SOPInstanceUID: object.SOPInstanceUID })) return false;
    await repo.insert({ ...object, deliveryState: 'pending', createdAt: new Date() });
    return true;
  }

  find(SOPInstanceUID: string): Promise<ResultObjectEntity | null> {
    return this.db.getRepository(ResultObjectEntity).findOneBy({ SOPInstanceUID });
  }

  forAnalysis(analysisId: string): Promise<ResultObjectEntity[]> {
    return this.db.getRepository(ResultObjectEntity).find({ where: { analysisId }, order: { kind: 'ASC', SOPInstanceUID: 'ASC' } });
  }

  async setState(SOPInstanceUID: string, deliveryState: DeliveryState): Promise<void> {
    await this.db.getRepository(ResultObjectEntity).update({ SOPInstanceUID }, { deliveryState });
  }

  async recordAttempt(SOPInstanceUID: string, targetId: string, attempt: number, outcome: DeliveryOutcome, detail: string | null): Promise<void> {
    await this.db.getRepository(DeliveryAttemptEntity).insert({ SOPInstanceUID, targetId, attempt, outcome, detail, at: new Date() });
  }

  attempts(SOPInstanceUID: string): Promise<DeliveryAttemptEntity[]> {
    return this.db.getRepository(DeliveryAttemptEntity).find({ where: { SOPInstanceUID }, order: { id: 'ASC' } });
  }

  /** True when this object already reached this target (a retried job must not send it twice). */
  async delivered(SOPInstanceUID: string, targetId: string): Promise<boolean> {
    return (await this.db.getRepository(DeliveryAttemptEntity).countBy({ SOPInstanceUID, targetId, outcome: 'delivered' })) > 0;
  }
}
