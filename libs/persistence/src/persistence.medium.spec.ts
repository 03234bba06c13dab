import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, DATABASE_KINDS } from '@nidus/testing';
import { AnalysisRepository } from './analysis/analysis.repository';
import { DatabaseUnavailableError, openDatabase } from './data-source';
import { ResultObjectRepository } from './delivery/result-object.repository';
import { InstanceRecord, StudyIndexRepository } from './study/study-index.repository';

function record(study: string, series: string, sop: string, n = 1): InstanceRecord {
  return {
    instance: {
      SOPInstanceUID: sop,
      SeriesInstanceUID: series,
      StudyInstanceUID: study,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      InstanceNumber: n,
      path: `instances/${sop}.dcm`,
      sizeBytes: 5_000_000_000 + n,
      sha256: 'a'.repeat(64),
      callingAETitle: 'PACS',
    },
    study: { PatientID: 'P1', AccessionNumber: 'ACC1', StudyDescription: 'CT PERFUSION HEAD' },
    series: { Modality: 'CT', SeriesDescription: 'PERFUSION', SeriesNumber: 3 },
  };
}

describe.each(DATABASE_KINDS)('persistence on %s', (kind) => {
  let db: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase(kind, mkdtempSync(join(tmpdir(), 'nidus-db-')));
    drop = created.drop;
    db = await openDatabase(created.config);
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  it('migrations produce exactly the schema the entities describe', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('indexes instances once, counts series, and keeps big sizes exact', async () => {
    const index = new StudyIndexRepository(db);
    expect(await index.recordInstance(record('1.2.3', '1.2.3.4', '1.2.3.4.1', 1))).toBe('stored');
    expect(await index.recordInstance(record('1.2.3', '1.2.3.4', '1.2.3.4.2', 2))).toBe('stored');
    expect(await index.recordInstance(record('1.2.3', '1.2.3.4', '1.2.3.4.1', 1))).toBe('duplicate');
    const series = await index.findSeries('1.2.3.4');
    expect(series).toMatchObject({ instanceCount: 2, Modality: 'CT', state: 'receiving', callingAETitle: 'PACS' });
    expect((await index.findInstance('1.2.3.4.2'))!.sizeBytes).toBe(5_000_000_002);
    expect((await index.seriesInstances('1.2.3.4')).map((i) => i.InstanceNumber)).toEqual([1, 2]);
    expect(await index.quietSeries(new Date(Date.now() + 1000))).toHaveLength(1);
    expect(await index.markSeriesComplete('1.2.3.4', 1)).toBe(false); // more came since
    expect(await index.markSeriesComplete('1.2.3.4', 2)).toBe(true);
    expect(await index.quietSeries(new Date(Date.now() + 1000))).toHaveLength(0);
  });

  it('runs transactions begun at the same time, one after the other where the database needs it', async () => {
    const index = new StudyIndexRepository(db);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => index.recordInstance(record('9.8', `9.8.${i % 3}`, `9.8.7.${i}`, i))));
    expect(outcomes.every((o) => o === 'stored')).toBe(true);
    expect((await index.studySeries('9.8')).reduce((n, s) => n + s.instanceCount, 0)).toBe(20);
  });

  it('creates one analysis per input, even when asked twice at once', async () => {
    const analyses = new AnalysisRepository(db);
    const input = {
      inputKey: 'k'.repeat(64),
      StudyInstanceUID: '1.2.3',
      SeriesInstanceUID: '1.2.3.4',
      kind: 'ctp',
      priority: 'stat' as const,
      instanceCount: 2,
    };
    const [a, b] = await Promise.all([analyses.createOnce(input), analyses.createOnce(input)]);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(a.analysis.id).toBe(b.analysis.id);
    await analyses.markRunning(a.analysis.id);
    await analyses.markSucceeded(a.analysis.id, { coreVolumeMl: 12.5 });
    const stored = await analyses.findById(a.analysis.id);
    expect(stored).toMatchObject({ status: 'succeeded', attempts: 1, result: { coreVolumeMl: 12.5 } });
    expect(stored!.finishedAt).toBeInstanceOf(Date);
    const second = await analyses.createOnce({ ...input, inputKey: 'm'.repeat(64), instanceCount: 3 });
    expect(second.analysis.supersedesId).toBe(a.analysis.id);
  });

  it('records result objects once and their delivery attempts', async () => {
    const results = new ResultObjectRepository(db);
    const object = {
      SOPInstanceUID: '2.25.1',
      analysisId: 'a',
      kind: 'seg' as const,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.4',
      SeriesInstanceUID: '2.25.2',
      path: 'results/a/seg.dcm',
    };
    expect(await results.recordOnce(object)).toBe(true);
    expect(await results.recordOnce(object)).toBe(false);
    await results.recordAttempt('2.25.1', 'pacs', 1, 'retry', 'HTTP 503');
    expect(await results.delivered('2.25.1', 'pacs')).toBe(false);
    await results.recordAttempt('2.25.1', 'pacs', 2, 'delivered', 'HTTP 200');
    await results.setState('2.25.1', 'delivered');
    expect(await results.delivered('2.25.1', 'pacs')).toBe(true);
    expect((await results.attempts('2.25.1')).map((a) => a.outcome)).toEqual(['retry', 'delivered']);
    expect((await results.forAnalysis('a'))[0].deliveryState).toBe('delivered');
  });
});

describe(openDatabase.name, () => {
  it('says which database it could not open', async () => {
    await expect(openDatabase({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(DatabaseUnavailableError);
    await expect(openDatabase({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(
      /cannot open PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:1\/none/,
    );
  });
});
