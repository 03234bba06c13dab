import { DataSource, FindOptionsWhere, In, LessThanOrEqual } from 'typeorm';
import { DeliveryEntity, DeliveryStatus } from './delivery.entity';

export interface PlannedDelivery {
  SOPInstanceUID: string;
  targetId: string;
  analysisId: string;
  StudyInstanceUID: string;
}

export interface DeliveryFilter {
  state?: DeliveryStatus | DeliveryStatus[];
  targetId?: string;
  StudyInstanceUID?: string;
  SOPInstanceUID?: string;
  analysisId?: string;
}

/** What a failed try leads to: another one at `nextAttemptAt`, or the end (`failed`). */
export type FailedTry = { state: 'waiting'; nextAttemptAt: Date } | { state: 'failed' };

function where(filter: DeliveryFilter): FindOptionsWhere<DeliveryEntity> {
  const w: FindOptionsWhere<DeliveryEntity> = {};
  if (filter.state) w.state = Array.isArray(filter.state) ? In(filter.state) : filter.state;
  if (filter.targetId) w.targetId = filter.targetId;
  if (filter.StudyInstanceUID) w.StudyInstanceUID = filter.StudyInstanceUID;
  if (filter.SOPInstanceUID) w.SOPInstanceUID = filter.SOPInstanceUID;
  if (filter.analysisId) w.analysisId = filter.analysisId;
  return w;
}

/** The delivery state of each result object at each target (table `delivery`). */
export class DeliveryRepository {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(DeliveryEntity);
  }

  /** Records deliveries as pending unless they are known already (a re-run changes nothing). */
  async plan(deliveries: readonly PlannedDelivery[]): Promise<void> {
    for (const d of deliveries) {
      if (await this.repo.existsBy({ SOPInstanceUID: d.SOPInstanceUID, targetId: d.targetId })) continue;
      await this.repo
        .createQueryBuilder()
        .insert()
        .values({ ...d, state: 'pending', attempts: 0, round: 0, createdAt: new Date() })
        .orIgnore()
        .execute();
    }
  }

  find(SOPInstanceUID: string, targetId: string): Promise<DeliveryEntity | null> {
    return this.repo.findOneBy({ SOPInstanceUID, targetId });
  }

  list(filter: DeliveryFilter = {}, take = 100, skip = 0): Promise<DeliveryEntity[]> {
    return this.repo.find({ where: where(filter), order: { createdAt: 'ASC', SOPInstanceUID: 'ASC', targetId: 'ASC' }, take, skip });
  }

  count(filter: DeliveryFilter = {}): Promise<number> {
    return this.repo.countBy(where(filter));
  }

  /** How many deliveries stand in each state at each target, for the metrics. */
  async tally(): Promise<{ targetId: string; state: DeliveryStatus; count: number }[]> {
    const rows = await this.repo
      .createQueryBuilder('d')
      .select('d.targetId', 'targetId')
      .addSelect('d.state', 'state')
      .addSelect('COUNT(*)', 'count')
      .groupBy('d.targetId')
      .addGroupBy('d.state')
      .getRawMany<{ targetId: string; state: DeliveryStatus; count: string | number }>();
    return rows.map((r) => ({ targetId: r.targetId, state: r.state, count: Number(r.count) }));
  }

  /** Pending, or waiting with the next try due by `now`: what should have a queue job. */
  due(now = new Date(), take = 1000): Promise<DeliveryEntity[]> {
    return this.repo.find({
      where: [{ state: 'pending' }, { state: 'waiting', nextAttemptAt: LessThanOrEqual(now) }],
      order: { createdAt: 'ASC' },
      take,
    });
  }

  async recordDelivered(SOPInstanceUID: string, targetId: string, at = new Date()): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ state: 'delivered', attempts: () => '"attempts" + 1', lastAttemptAt: at, nextAttemptAt: null, deliveredAt: at })
      .where({ SOPInstanceUID, targetId })
      .execute();
  }

  async recordFailure(SOPInstanceUID: string, targetId: string, error: string, then: FailedTry, at = new Date()): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({
        state: then.state,
        attempts: () => '"attempts" + 1',
        lastError: error,
        lastAttemptAt: at,
        firstFailedAt: () => `COALESCE("firstFailedAt", ${at.getTime()})`,
        nextAttemptAt: then.state === 'waiting' ? then.nextAttemptAt : null,
      })
      .where({ SOPInstanceUID, targetId })
      .execute();
  }

  /**
   * Starts a new round for the deliveries the filter names that are not delivered (by default only `failed`
   * ones): pending again, tries counted from zero. Returns them as they are now.
   */
  async resend(filter: DeliveryFilter): Promise<DeliveryEntity[]> {
    const chosen = await this.repo.find({ where: where({ ...filter, state: filter.state ?? 'failed' }) });
    const out: DeliveryEntity[] = [];
    for (const d of chosen) {
      if (d.state === 'delivered') continue;
      await this.repo.update(
        { SOPInstanceUID: d.SOPInstanceUID, targetId: d.targetId, state: d.state, round: d.round },
        { state: 'pending', attempts: 0, round: d.round + 1, firstFailedAt: null, nextAttemptAt: null },
      );
      const now = await this.find(d.SOPInstanceUID, d.targetId);
      if (now) out.push(now);
    }
    return out;
  }
}
