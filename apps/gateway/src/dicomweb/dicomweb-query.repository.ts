import { Brackets, DataSource, FindOptionsWhere, SelectQueryBuilder } from 'typeorm';
import { personNameQuery, PERSON_NAME_GROUPS, type PersonNameGroup } from '@nidus/dicom';
import { InstanceEntity, SeriesEntity, StudyEntity } from '@nidus/persistence';

// QIDO-RS matching (PS3.18 8.3.4, PS3.4 C.2.2.2) over the index: single value, wild card (* ?) on text,
// UID lists, date ranges. Portable SQL (SQLite and PostgreSQL).

export type QueryParams = Record<string, string | undefined>;

export interface Page {
  limit: number;
  offset: number;
}

function escapeLike(value: string): string {
  return value
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

let parameterCount = 0;
function param(): string {
  parameterCount = (parameterCount + 1) % 1_000_000;
  return `p${parameterCount}`;
}

/** Text: wild cards * and ?, case-insensitive (PS3.4 C.2.2.2.4); several values separated by backslash or comma. */
function matchText<T extends object>(qb: SelectQueryBuilder<T>, column: string, value: string | undefined): void {
  if (value === undefined || value === '' || value === '*') return;
  const values = value.split(/[\\,]/).filter(Boolean);
  qb.andWhere(
    new Brackets((w) => {
      for (const v of values) {
        const p = param();
        if (/[*?]/.test(v)) w.orWhere(`LOWER(${column}) LIKE LOWER(:${p}) ESCAPE '\\'`, { [p]: escapeLike(v) });
        else w.orWhere(`LOWER(${column}) = LOWER(:${p})`, { [p]: v });
      }
    }),
  );
}

/**
 * PN: on the match keys of the study (PatientName*Key), so a name is found in any character set, without regard to
 * case or diacritics; wild cards * and ?; a value without '=' matches any component group (personNameQuery).
 */
function matchPersonName<T extends object>(qb: SelectQueryBuilder<T>, alias: string, value: string | undefined): void {
  if (value === undefined) return;
  const queries = value
    .split(/[\\,]/)
    .map(personNameQuery)
    .filter((q) => q !== undefined);
  if (queries.length === 0) return;
  const column = (group: PersonNameGroup) => `${alias}.PatientName${group}Key`;
  const like = (group: PersonNameGroup, pattern: string) => {
    const p = param();
    return { sql: `${column(group)} LIKE :${p} ESCAPE '\\'`, params: { [p]: escapeLike(pattern) } };
  };
  qb.andWhere(
    new Brackets((w) => {
      for (const q of queries) {
        const groups = Object.entries(q.groups) as [PersonNameGroup, string][];
        const terms = q.anyGroup ? PERSON_NAME_GROUPS.map((g) => like(g, groups[0][1])) : groups.map(([g, pattern]) => like(g, pattern));
        const sql = terms.map((t) => t.sql).join(q.anyGroup ? ' OR ' : ' AND ');
        w.orWhere(`(${sql})`, Object.assign({}, ...terms.map((t) => t.params)));
      }
    }),
  );
}

/** UIDs: list matching (PS3.4 C.2.2.2.2), comma or backslash separated. */
function matchUids<T extends object>(qb: SelectQueryBuilder<T>, column: string, value: string | undefined): void {
  if (!value) return;
  const p = param();
  qb.andWhere(`${column} IN (:...${p})`, {
    [p]: value
      .split(/[\\,]/)
      .map((v) => v.trim())
      .filter(Boolean),
  });
}

/** DA: a date or a range (PS3.4 C.2.2.2.5): 20240101, 20240101-20240131, -20240131, 20240101-. */
function matchDate<T extends object>(qb: SelectQueryBuilder<T>, column: string, value: string | undefined): void {
  if (!value) return;
  const m = /^(\d{8})?-(\d{8})?$/.exec(value.replace(/\./g, ''));
  if (m) {
    if (m[1]) {
      const p = param();
      qb.andWhere(`${column} >= :${p}`, { [p]: m[1] });
    }
    if (m[2]) {
      const p = param();
      qb.andWhere(`${column} <= :${p}`, { [p]: m[2] });
    }
    return;
  }
  const p = param();
  qb.andWhere(`${column} = :${p}`, { [p]: value.replace(/\./g, '') });
}

/** Reads QIDO query keys by keyword or by tag (PS3.18 8.3.4.1: either may be used). */
export function queryKey(params: QueryParams, keyword: string, tag: string): string | undefined {
  return params[keyword] ?? params[tag] ?? params[tag.toLowerCase()];
}

export class DicomWebQueryRepository {
  constructor(private readonly db: DataSource) {}

  async searchStudies(params: QueryParams, page: Page): Promise<StudyEntity[]> {
    const qb = this.db.getRepository(StudyEntity).createQueryBuilder('study');
    matchUids(qb, 'study.StudyInstanceUID', queryKey(params, 'StudyInstanceUID', '0020000D'));
    matchText(qb, 'study.PatientID', queryKey(params, 'PatientID', '00100020'));
    matchPersonName(qb, 'study', queryKey(params, 'PatientName', '00100010'));
    matchText(qb, 'study.AccessionNumber', queryKey(params, 'AccessionNumber', '00080050'));
    matchText(qb, 'study.StudyDescription', queryKey(params, 'StudyDescription', '00081030'));
    matchDate(qb, 'study.StudyDate', queryKey(params, 'StudyDate', '00080020'));
    const modality = queryKey(params, 'ModalitiesInStudy', '00080061');
    if (modality) {
      const p = param();
      qb.andWhere(`study.StudyInstanceUID IN (SELECT s."StudyInstanceUID" FROM series s WHERE UPPER(s."Modality") IN (:...${p}))`, {
        [p]: modality.split(/[\\,]/).map((m) => m.toUpperCase()),
      });
    }
    return qb.orderBy('study.lastReceivedAt', 'DESC').addOrderBy('study.StudyInstanceUID', 'ASC').take(page.limit).skip(page.offset).getMany();
  }

  async searchSeries(params: QueryParams, page: Page, StudyInstanceUID?: string): Promise<SeriesEntity[]> {
    const qb = this.db.getRepository(SeriesEntity).createQueryBuilder('series');
    if (StudyInstanceUID) qb.andWhere('series.StudyInstanceUID = :study', { study: StudyInstanceUID });
    matchUids(qb, 'series.StudyInstanceUID', queryKey(params, 'StudyInstanceUID', '0020000D'));
    matchUids(qb, 'series.SeriesInstanceUID', queryKey(params, 'SeriesInstanceUID', '0020000E'));
    matchText(qb, 'series.Modality', queryKey(params, 'Modality', '00080060'));
    matchText(qb, 'series.SeriesDescription', queryKey(params, 'SeriesDescription', '0008103E'));
    matchText(qb, 'series.BodyPartExamined', queryKey(params, 'BodyPartExamined', '00180015'));
    const number = queryKey(params, 'SeriesNumber', '00200011');
    if (number && /^-?\d+$/.test(number)) qb.andWhere('series.SeriesNumber = :number', { number: Number(number) });
    return qb
      .orderBy('series.StudyInstanceUID', 'ASC')
      .addOrderBy('series.SeriesNumber', 'ASC')
      .addOrderBy('series.SeriesInstanceUID', 'ASC')
      .take(page.limit)
      .skip(page.offset)
      .getMany();
  }

  async searchInstances(params: QueryParams, page: Page, scope: { StudyInstanceUID?: string; SeriesInstanceUID?: string } = {}): Promise<InstanceEntity[]> {
    const qb = this.db.getRepository(InstanceEntity).createQueryBuilder('instance');
    if (scope.StudyInstanceUID) qb.andWhere('instance.StudyInstanceUID = :study', { study: scope.StudyInstanceUID });
    if (scope.SeriesInstanceUID) qb.andWhere('instance.SeriesInstanceUID = :series', { series: scope.SeriesInstanceUID });
    matchUids(qb, 'instance.StudyInstanceUID', queryKey(params, 'StudyInstanceUID', '0020000D'));
    matchUids(qb, 'instance.SeriesInstanceUID', queryKey(params, 'SeriesInstanceUID', '0020000E'));
    matchUids(qb, 'instance.SOPInstanceUID', queryKey(params, 'SOPInstanceUID', '00080018'));
    matchUids(qb, 'instance.SOPClassUID', queryKey(params, 'SOPClassUID', '00080016'));
    const number = queryKey(params, 'InstanceNumber', '00200013');
    if (number && /^-?\d+$/.test(number)) qb.andWhere('instance.InstanceNumber = :number', { number: Number(number) });
    return qb
      .orderBy('instance.SeriesInstanceUID', 'ASC')
      .addOrderBy('instance.InstanceNumber', 'ASC')
      .addOrderBy('instance.SOPInstanceUID', 'ASC')
      .take(page.limit)
      .skip(page.offset)
      .getMany();
  }

  seriesOfStudies(StudyInstanceUIDs: string[]): Promise<SeriesEntity[]> {
    if (!StudyInstanceUIDs.length) return Promise.resolve([]);
    return this.db
      .getRepository(SeriesEntity)
      .createQueryBuilder('series')
      .where('series.StudyInstanceUID IN (:...uids)', { uids: StudyInstanceUIDs })
      .getMany();
  }

  findStudy(StudyInstanceUID: string): Promise<StudyEntity | null> {
    return this.db.getRepository(StudyEntity).findOneBy({ StudyInstanceUID });
  }

  /** Instances at one level of the hierarchy: a study, one of its series, or one instance. */
  instances(StudyInstanceUID: string, SeriesInstanceUID?: string, SOPInstanceUID?: string): Promise<InstanceEntity[]> {
    const where: FindOptionsWhere<InstanceEntity> = { StudyInstanceUID };
    if (SeriesInstanceUID) where.SeriesInstanceUID = SeriesInstanceUID;
    if (SOPInstanceUID) where.SOPInstanceUID = SOPInstanceUID;
    return this.db.getRepository(InstanceEntity).find({ where, order: { SeriesInstanceUID: 'ASC', InstanceNumber: 'ASC', SOPInstanceUID: 'ASC' } });
  }

  /** One instance of each study or series (the lowest InstanceNumber): whose header answers includefield there. */
  async firstInstances(column: 'StudyInstanceUID' | 'SeriesInstanceUID', uids: string[]): Promise<Map<string, InstanceEntity>> {
    const out = new Map<string, InstanceEntity>();
    if (!uids.length) return out;
    const rows = await this.db
      .getRepository(InstanceEntity)
      .createQueryBuilder('instance')
      .where(`instance.${column} IN (:...uids)`, { uids })
      .orderBy(`instance.${column}`, 'ASC')
      .addOrderBy('instance.InstanceNumber', 'ASC')
      .addOrderBy('instance.SOPInstanceUID', 'ASC')
      .getMany();
    for (const row of rows) if (!out.has(row[column])) out.set(row[column], row);
    return out;
  }
}
