import { DataSource, QueryFailedError } from 'typeorm';
import { patientNameKeyColumns, type PatientNameKeyColumns } from './patient-name-keys';
import { upsertStatement, type Statement } from './index-upsert.sql';
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

/** The part of better-sqlite3's connection the index writes through. */
interface SqliteStatement {
  all(...parameters: unknown[]): unknown[];
}
interface SqliteConnection {
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): () => T;
}

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

  /**
   * Three statements in one transaction: the instance (ON CONFLICT DO NOTHING: none back means a duplicate), then
   * its study and series upserted, the series' count incremented in the database so concurrent writers lose none.
   */
  private recordOnce(record: InstanceRecord): Promise<RecordOutcome> {
    const at = record.instance.receivedAt ?? new Date();
    const { StudyInstanceUID, SeriesInstanceUID } = record.instance;
    const instance = upsertStatement(this.db, InstanceEntity, { ...record.instance, receivedAt: at }, 'SOPInstanceUID', { doNothing: true });
    const study = upsertStatement(
      this.db,
      StudyEntity,
      { ...nullify(record.study), ...patientNameKeyColumns(record.study.PatientName), StudyInstanceUID, firstReceivedAt: at, lastReceivedAt: at },
      'StudyInstanceUID',
      { update: { lastReceivedAt: 'excluded."lastReceivedAt"' } },
    );
    const series = upsertStatement(
      this.db,
      SeriesEntity,
      {
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
      },
      'SeriesInstanceUID',
      {
        update: {
          instanceCount: 'series."instanceCount" + 1',
          lastReceivedAt: 'excluded."lastReceivedAt"',
          state: "'receiving'",
          expectedInstanceCount: 'COALESCE(excluded."expectedInstanceCount", series."expectedInstanceCount")',
        },
      },
    );
    return this.inTransaction([instance, study, series], (inserted) => inserted.length > 0);
  }

  /**
   * Runs the statements in one transaction, stopping after the first when `goOn` says so from its rows. On SQLite
   * straight on the better-sqlite3 connection, synchronously (no other statement can come between, and no query
   * builder in the way); on PostgreSQL through a TypeORM transaction.
   */
  private async inTransaction(statements: Statement[], goOn: (firstRows: unknown[]) => boolean): Promise<RecordOutcome> {
    const sqlite = this.sqlite();
    if (sqlite) {
      // a TypeORM transaction open on the one connection (awaiting between its statements): ours must not join it
      while (sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));
      return sqlite.transaction((): RecordOutcome => {
        const [first, ...rest] = statements.map((s) => ({ statement: this.prepared(sqlite, s.sql), parameters: s.parameters }));
        if (!goOn(first.statement.all(...first.parameters))) return 'duplicate';
        for (const s of rest) s.statement.all(...s.parameters);
        return 'stored';
      })();
    }
    return this.db.transaction(async (m) => {
      const [first, ...rest] = statements;
      if (!goOn(await m.query(first.sql, first.parameters))) return 'duplicate';
      for (const s of rest) await m.query(s.sql, s.parameters);
      return 'stored';
    });
  }

  private sqlite(): SqliteConnection | undefined {
    return this.db.options.type === 'better-sqlite3'
      ? ((this.db.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection ?? undefined)
      : undefined;
  }

  private prepared(sqlite: SqliteConnection, sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private readonly statements = new Map<string, SqliteStatement>();

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
