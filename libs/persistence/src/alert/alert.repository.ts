import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { AnalysisEntity } from '../analysis/analysis.entity';
import { AlertEntity, AlertState } from './alert.entity';

export interface NewAlert {
  analysisId: string;
  updatesAlertId: string | null;
  level: string;
  team: string;
  payload: Record<string, unknown>;
}

/** How one page (one step of the on-call chain, or one update) ended. */
export interface PageOutcome {
  delivered: boolean;
  error: string | null;
  /** when the next step is due; null when none follows */
  nextEscalationAt: Date | null;
  /** no step follows and nothing was ever delivered: the alert has failed */
  exhausted: boolean;
}

/**
 * Alerts, with every state change a conditional update: a retried or duplicated job, a second worker or a
 * restart finds the row already moved on and does nothing twice.
 */
export class AlertRepository {
  constructor(private readonly db: DataSource) {}

  private col(name: keyof AlertEntity): string {
    return this.db.driver.escape(name);
  }

  /** Creates the alert of an analysis unless it exists (unique analysisId settles races). */
  async createOnce(input: NewAlert, now = new Date()): Promise<{ alert: AlertEntity; created: boolean }> {
    const repo = this.db.getRepository(AlertEntity);
    const existing = await repo.findOneBy({ analysisId: input.analysisId });
    if (existing) return { alert: existing, created: false };
    const alert = repo.create({
      ...input,
      id: randomUUID(),
      state: 'pending',
      escalationLevel: -1,
      nextEscalationAt: null,
      createdAt: now,
      sentAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      claimedUntil: null,
      lastError: null,
    });
    try {
      await repo.insert(alert as never);
      return { alert, created: true };
    } catch (error) {
      if (error instanceof QueryFailedError) {
        const raced = await repo.findOneBy({ analysisId: input.analysisId });
        if (raced) return { alert: raced, created: false };
      }
      throw error;
    }
  }

  findById(id: string): Promise<AlertEntity | null> {
    return this.db.getRepository(AlertEntity).findOneBy({ id });
  }

  findByAnalysisId(analysisId: string): Promise<AlertEntity | null> {
    return this.db.getRepository(AlertEntity).findOneBy({ analysisId });
  }

  /**
   * The first alert raised for the analyses this one supersedes (re-runs after late images), or null.
   * Walks supersedesId back; an update found on the way leads to the alert it updates.
   */
  async findRootAlertBefore(analysisId: string, maxDepth = 32): Promise<AlertEntity | null> {
    const analyses = this.db.getRepository(AnalysisEntity);
    let current = await analyses.findOneBy({ id: analysisId });
    for (let depth = 0; current?.supersedesId && depth < maxDepth; depth++) {
      const earlier = await this.findByAnalysisId(current.supersedesId);
      if (earlier) return earlier.updatesAlertId ? this.findById(earlier.updatesAlertId) : earlier;
      current = await analyses.findOneBy({ id: current.supersedesId });
    }
    return null;
  }

  updatesOf(alertId: string): Promise<AlertEntity[]> {
    return this.db.getRepository(AlertEntity).find({ where: { updatesAlertId: alertId }, order: { createdAt: 'ASC' } });
  }

  /**
   * Takes the lease to page step `level`: only when step level-1 is the last one paged, the alert is not
   * acknowledged, and no other worker holds a live lease. True when this caller holds it.
   */
  async claim(id: string, level: number, leaseMs: number, now = new Date()): Promise<boolean> {
    const c = (n: keyof AlertEntity) => this.col(n);
    const result = await this.db
      .createQueryBuilder()
      .update(AlertEntity)
      .set({ claimedUntil: new Date(now.getTime() + leaseMs) })
      .where(`${c('id')} = :id AND ${c('escalationLevel')} = :previous AND ${c('state')} <> :acknowledged`, {
        id,
        previous: level - 1,
        acknowledged: 'acknowledged',
      })
      .andWhere(`(${c('claimedUntil')} IS NULL OR ${c('claimedUntil')} < :now)`, { now: now.getTime() })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records that step `level` was paged (delivered or not) and releases the lease. An alert acknowledged
   * meanwhile keeps its state and gets no next escalation. False when the step was recorded already.
   */
  async recordPage(id: string, level: number, outcome: PageOutcome, now = new Date()): Promise<boolean> {
    const c = (n: keyof AlertEntity) => this.col(n);
    return this.db.transaction(async (m) => {
      const alert = await m.findOneBy(AlertEntity, { id });
      if (!alert || alert.escalationLevel !== level - 1) return false;
      const common = { escalationLevel: level, claimedUntil: null, lastError: outcome.error };
      let state: AlertState = alert.state;
      if (outcome.delivered) state = 'sent';
      else if (outcome.exhausted && !alert.sentAt) state = 'failed';
      const open = await m
        .createQueryBuilder()
        .update(AlertEntity)
        .set({ ...common, state, sentAt: alert.sentAt ?? (outcome.delivered ? now : null), nextEscalationAt: outcome.nextEscalationAt })
        .where(`${c('id')} = :id AND ${c('escalationLevel')} = :previous AND ${c('state')} <> :acknowledged`, {
          id,
          previous: level - 1,
          acknowledged: 'acknowledged',
        })
        .execute();
      if ((open.affected ?? 0) > 0) return true;
      const acknowledged = await m
        .createQueryBuilder()
        .update(AlertEntity)
        .set({ ...common, sentAt: alert.sentAt ?? (outcome.delivered ? now : null), nextEscalationAt: null })
        .where(`${c('id')} = :id AND ${c('escalationLevel')} = :previous`, { id, previous: level - 1 })
        .execute();
      return (acknowledged.affected ?? 0) > 0;
    });
  }

  /** Gives up a lease without recording a page (the page could not be attempted; another try may follow). */
  async release(id: string): Promise<void> {
    await this.db.getRepository(AlertEntity).update({ id }, { claimedUntil: null });
  }

  /**
   * Acknowledges an alert once: the first caller wins and stops escalation; later callers get null.
   */
  async acknowledge(id: string, by: string, now = new Date()): Promise<AlertEntity | null> {
    const c = (n: keyof AlertEntity) => this.col(n);
    const result = await this.db
      .createQueryBuilder()
      .update(AlertEntity)
      .set({ state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by, nextEscalationAt: null })
      .where(`${c('id')} = :id AND ${c('state')} <> :acknowledged`, { id, acknowledged: 'acknowledged' })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findById(id) : null;
  }

  list(options: { state?: AlertState; limit?: number; offset?: number } = {}): Promise<AlertEntity[]> {
    return this.db.getRepository(AlertEntity).find({
      where: options.state ? { state: options.state } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
      take: options.limit ?? 100,
      skip: options.offset ?? 0,
    });
  }

  /** Alerts not acknowledged whose next step is scheduled: what a restarted worker must re-arm. */
  pendingEscalations(): Promise<AlertEntity[]> {
    const c = (n: keyof AlertEntity) => this.col(n);
    return this.db
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .where(`a.${c('nextEscalationAt')} IS NOT NULL AND a.${c('state')} <> :acknowledged`, { acknowledged: 'acknowledged' })
      .orderBy(`a.${c('nextEscalationAt')}`, 'ASC')
      .getMany();
  }

  /** Whether any analysis of the study raised an alert (the stroke role reads only such studies). */
  async studyRaisedAlert(StudyInstanceUID: string): Promise<boolean> {
    const found = await this.db
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .innerJoin(AnalysisEntity, 'n', `n.${this.db.driver.escape('id')} = a.${this.col('analysisId')}`)
      .where(`n.${this.db.driver.escape('StudyInstanceUID')} = :StudyInstanceUID`, { StudyInstanceUID })
      .select('1')
      .limit(1)
      .getRawOne();
    return found !== undefined;
  }

  /** Alerts created whose first page was never recorded (a process died before it). */
  unsent(): Promise<AlertEntity[]> {
    return this.db.getRepository(AlertEntity).find({ where: { state: 'pending', escalationLevel: -1 }, order: { createdAt: 'ASC' } });
  }
}
