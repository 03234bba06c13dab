import { DataSource, QueryFailedError } from 'typeorm';
import { patientNameKeyColumns, type PatientNameKeyColumns } from './patient-name-keys';
import { InstanceEntity } from './instance.entity';
import { SeriesEntity } from './series.entity';
import { StudyEntity } from './study.entity';

/** What ingest knows of one received instance, its series and its study. */
export interface InstanceRecord {
  instance: Omit<InstanceEntity, 'receivedAt' | 'replacements' | 'replacedAt'> & { receivedAt?: Date };
  study: Partial<Omit<StudyEntity, 'StudyInstanceUID' | 'firstReceivedAt' | 'lastReceivedAt' | keyof PatientNameKeyColumns>>;
  series: Partial<Pick<SeriesEntity, 'Modality' | 'SeriesDescription' | 'BodyPartExamined' | 'SeriesNumber' | 'expectedInstanceCount'>>;
}

export type RecordOutcome = 'stored' | 'duplicate';

/** The index of studies, series and instances. */
export class StudyIndexRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Indexes one instance; a SOPInstanceUID already indexed is left as it is ('duplicate'). The first
   * instances of a new study, arriving at once over several associations (or gateways), race to create
   * its study and series rows: the loser's unique violation is retried, and then finds them.
   */
  async recordInstance(record: InstanceRecord): Promise<RecordOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordOnce(record);
      } catch (error) {
        if (attempt >= 5 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  private recordOnce(record: InstanceRecord): Promise<RecordOutcome> {
    const at = record.instance.receivedAt ?? new Date();
    return this.db.transaction(async (m) => {
      const existing = await m.findOneBy(InstanceEntity, { SOPInstanceUID: record.instance.SOPInstanceUID });
      if (existing) return 'duplicate';
      const { StudyInstanceUID, SeriesInstanceUID } = record.instance;
      const study = await m.findOneBy(StudyEntity, { StudyInstanceUID });
      if (study) {
        await m.update(StudyEntity, { StudyInstanceUID }, { lastReceivedAt: at });
      } else {
        await m.insert(StudyEntity, {
          ...nullify(record.study),
          ...patientNameKeyColumns(record.study.PatientName),
          StudyInstanceUID,
          firstReceivedAt: at,
          lastReceivedAt: at,
        });
      }
      const series = await m.findOneBy(SeriesEntity, { SeriesInstanceUID });
      if (series) {
        await m.update(
          SeriesEntity,
          { SeriesInstanceUID },
          {
            instanceCount: () => `"instanceCount" + 1`, // atomic: concurrent transactions must not lose a count
            lastReceivedAt: at,
            state: 'receiving',
            expectedInstanceCount: record.series.expectedInstanceCount ?? series.expectedInstanceCount,
          },
        );
      } else {
        await m.insert(SeriesEntity, {
          Modality: null,
          SeriesDescription: null,
          BodyPartExamined: null,
          SeriesNumber: null,
          expectedInstanceCount: null,
          ...nullify(record.series),
          SeriesInstanceUID,
          StudyInstanceUID,
          instanceCount: 1,
          state: 'receiving',
          callingAETitle: record.instance.callingAETitle,
          firstReceivedAt: at,
          lastReceivedAt: at,
        });
      }
      await m.insert(InstanceEntity, { ...record.instance, receivedAt: at, replacements: 0, replacedAt: null });
      return 'stored';
    });
  }

  findInstance(SOPInstanceUID: string): Promise<InstanceEntity | null> {
    return this.db.getRepository(InstanceEntity).findOneBy({ SOPInstanceUID });
  }

  seriesInstances(SeriesInstanceUID: string): Promise<InstanceEntity[]> {
    return this.db.getRepository(InstanceEntity).find({ where: { SeriesInstanceUID }, order: { InstanceNumber: 'ASC', SOPInstanceUID: 'ASC' } });
  }

  studyInstances(StudyInstanceUID: string): Promise<InstanceEntity[]> {
    return this.db.getRepository(InstanceEntity).find({ where: { StudyInstanceUID }, order: { SeriesInstanceUID: 'ASC', InstanceNumber: 'ASC' } });
  }

  findSeries(SeriesInstanceUID: string): Promise<SeriesEntity | null> {
    return this.db.getRepository(SeriesEntity).findOneBy({ SeriesInstanceUID });
  }

  studySeries(StudyInstanceUID: string): Promise<SeriesEntity[]> {
    return this.db.getRepository(SeriesEntity).find({ where: { StudyInstanceUID }, order: { SeriesNumber: 'ASC' } });
  }

  findStudy(StudyInstanceUID: string): Promise<StudyEntity | null> {
    return this.db.getRepository(StudyEntity).findOneBy({ StudyInstanceUID });
  }

  listStudies(limit = 100, offset = 0): Promise<StudyEntity[]> {
    return this.db.getRepository(StudyEntity).find({ order: { lastReceivedAt: 'DESC' }, take: limit, skip: offset });
  }

  /** Series still receiving whose last instance came before `before`: candidates for completion. */
  quietSeries(before: Date): Promise<SeriesEntity[]> {
    return this.db
      .getRepository(SeriesEntity)
      .createQueryBuilder('s')
      .where('s.state = :state', { state: 'receiving' })
      .andWhere('s.lastReceivedAt <= :before', { before: before.getTime() })
      .getMany();
  }

  /**
   * Records that an instance's unreadable stored copy was replaced by an intact one (same path): its file facts,
   * the count and time, and a new revision of its series, receiving again so that completion and routing run anew.
   */
  async recordReplacement(SOPInstanceUID: string, file: { sha256: string; sizeBytes: number; TransferSyntaxUID: string }, at = new Date()): Promise<void> {
    await this.db.transaction(async (m) => {
      const instance = await m.findOneBy(InstanceEntity, { SOPInstanceUID });
      if (!instance) return;
      await m.update(InstanceEntity, { SOPInstanceUID }, { ...file, replacements: () => '"replacements" + 1', replacedAt: at } as never);
      await m.update(SeriesEntity, { SeriesInstanceUID: instance.SeriesInstanceUID }, {
        revision: () => '"revision" + 1',
        state: 'receiving',
        lastReceivedAt: at,
      } as never);
    });
  }

  /** Marks a series complete unless more instances came after `seenCount`; true when it did. */
  async markSeriesComplete(SeriesInstanceUID: string, seenCount: number): Promise<boolean> {
    const result = await this.db
      .getRepository(SeriesEntity)
      .createQueryBuilder()
      .update()
      .set({ state: 'complete' })
      .where('SeriesInstanceUID = :SeriesInstanceUID AND instanceCount = :seenCount AND state = :state', { SeriesInstanceUID, seenCount, state: 'receiving' })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}

/** PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const e = error as QueryFailedError & { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code ?? '';
  return code === '23505' || code.startsWith('SQLITE_CONSTRAINT');
}

function nullify<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> | null } {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === undefined ? null : v])) as any;
}
