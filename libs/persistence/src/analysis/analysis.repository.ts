import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { AnalysisEntity, AnalysisPriority } from './analysis.entity';

export interface NewAnalysis {
  inputKey: string;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  kind: string;
  analysisVersion?: string | null;
  modelId?: string | null;
  modelVersion?: string | null;
  modelSha256?: string | null;
  priority: AnalysisPriority;
  instanceCount: number;
  /** a study-level analysis's series with their roles */
  inputSeries?: { SeriesInstanceUID: string; role: string }[] | null;
}

export class AnalysisRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Creates the analysis for this input unless one exists: identical input never yields a second analysis.
   * A unique index on inputKey settles races between processes.
   */
  async createOnce(input: NewAnalysis): Promise<{ analysis: AnalysisEntity; created: boolean }> {
    const repo = this.db.getRepository(AnalysisEntity);
    const existing = await repo.findOneBy({ inputKey: input.inputKey });
    if (existing) return { analysis: existing, created: false };
    const previous = await repo.findOne({ where: { SeriesInstanceUID: input.SeriesInstanceUID, kind: input.kind }, order: { queuedAt: 'DESC' } });
    const analysis = repo.create({
      analysisVersion: null,
      modelId: null,
      modelVersion: null,
      modelSha256: null,
      inputSeries: null,
      ...input,
      id: randomUUID(),
      status: 'queued',
      supersedesId: previous?.id ?? null,
      attempts: 0,
      interruptions: 0,
      queuedAt: new Date(),
      startedAt: null,
      finishedAt: null,
      result: null,
      error: null,
    });
    try {
      await repo.insert(analysis as never);
      return { analysis, created: true };
    } catch (error) {
      if (error instanceof QueryFailedError) {
        const raced = await repo.findOneBy({ inputKey: input.inputKey });
        if (raced) return { analysis: raced, created: false };
      }
      throw error;
    }
  }

  findById(id: string): Promise<AnalysisEntity | null> {
    return this.db.getRepository(AnalysisEntity).findOneBy({ id });
  }

  forStudy(StudyInstanceUID: string): Promise<AnalysisEntity[]> {
    return this.db.getRepository(AnalysisEntity).find({ where: { StudyInstanceUID }, order: { queuedAt: 'ASC' } });
  }

  async markRunning(id: string): Promise<void> {
    const repo = this.db.getRepository(AnalysisEntity);
    await repo.increment({ id }, 'attempts', 1);
    await repo.update({ id }, { status: 'running', startedAt: new Date() });
  }

  async markSucceeded(id: string, result: Record<string, unknown>): Promise<void> {
    await this.db.getRepository(AnalysisEntity).update({ id }, { status: 'succeeded', finishedAt: new Date(), result: result as never, error: null });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.getRepository(AnalysisEntity).update({ id }, { status: 'failed', finishedAt: new Date(), error });
  }

  /** A try found the analysis `running`: the one before it was cut off (its worker died). Returns the count now. */
  async recordInterruption(id: string): Promise<number> {
    const repo = this.db.getRepository(AnalysisEntity);
    await repo.increment({ id }, 'interruptions', 1);
    return (await repo.findOneBy({ id }))?.interruptions ?? 0;
  }

  /** What the database says should be running or waiting to run: each needs a live queue job. */
  unfinished(take = 1000): Promise<AnalysisEntity[]> {
    return this.db.getRepository(AnalysisEntity).find({ where: [{ status: 'queued' }, { status: 'running' }], order: { queuedAt: 'ASC' }, take });
  }

  /** Back to the queue (a process died mid-run, or a retryable failure). */
  async markQueued(id: string): Promise<void> {
    await this.db.getRepository(AnalysisEntity).update({ id }, { status: 'queued' });
  }
}
