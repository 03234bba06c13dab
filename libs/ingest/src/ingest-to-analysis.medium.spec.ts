import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { Route, routeSchema } from '@nidus/config';
import { DicomElements, generateUid, writePart10 } from '@nidus/dicom';
import { DimseServer, storeInstances } from '@nidus/dicom-net';
import { AnalysisEntity, AnalysisRepository, InstanceFileStore, openDatabase, SeriesEntity, StudyIndexRepository } from '@nidus/persistence';
import { AnalysisRegistry } from '@nidus/analysis';
import { JobHandlers, JobQueue, JobRunner, openBullQueues } from '@nidus/jobs';
import { SeriesCompletion, StudyAssembly } from '@nidus/series';
import { routingOnlyAnalysis, syntheticCtElements } from '@nidus/testing';
import { DimseStoreHandler } from './dimse-store.handler';
import { ingestTransferSyntaxes } from './ingest-transfer-syntaxes';
import { IngestService } from './ingest.service';

// Medium test: C-STORE -> ingest -> assembly -> Bull on the real Redis -> series.check-complete ->
// analysis row in SQLite -> analysis.run queued. Only the analysis itself is left out.

const silent = pino({ level: 'silent' });

function perfusionFiles(StudyInstanceUID: string, SeriesInstanceUID: string, slices: number, times: number, fromTime = 0, announced = times): Buffer[] {
  const files: Buffer[] = [];
  for (let t = fromTime; t < times; t++) {
    for (let z = 0; z < slices; z++) {
      const elements: DicomElements = {
        ...syntheticCtElements(t * slices + z, { rows: 8, columns: 8, StudyInstanceUID, SeriesInstanceUID, SeriesDescription: 'CT Perfusion 4D' }),
        ImagePositionPatient: [-100, -100, z * 5],
        InstanceNumber: t * slices + z + 1,
        TemporalPositionIdentifier: t + 1,
        NumberOfTemporalPositions: announced,
        AcquisitionTime: `1200${String(t).padStart(2, '0')}.000000`,
      };
      files.push(writePart10(elements));
    }
  }
  return files;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(StudyAssembly.name, () => {
  let dataDir: string;
  let db: DataSource;
  let queue: JobQueue;
  let store: InstanceFileStore;
  let server: DimseServer;
  let port: number;
  let assembly: StudyAssembly;
  let runs: string[];
  const routes: Route[] = [
    routeSchema.parse({
      name: 'ctp',
      match: { Modality: ['CT'], SeriesDescription: 'perfusion', minTimePoints: 10 },
      analysis: 'ctp',
      priority: 'stat',
      stableAfterSeconds: 2,
    }),
  ];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nidus-assembly-'));
    db = await openDatabase({ type: 'sqlite', path: join(dataDir, 'index.sqlite') });
    queue = openBullQueues('redis://127.0.0.1:6379', `nidus-test-${randomBytes(4).toString('hex')}`);
    store = new InstanceFileStore({ dataDir, reserveBytes: 0 });
    await store.init();
    const index = new StudyIndexRepository(db);
    assembly = new StudyAssembly(index, queue, { stableAfterSeconds: 30, routes, flushIntervalMs: 50 });
    const ingest = new IngestService(store, index, assembly, { transferSyntaxes: ingestTransferSyntaxes() });
    server = new DimseServer({ aeTitle: 'NIDUS', storeHandler: new DimseStoreHandler(ingest), transferSyntaxes: ingest.transferSyntaxes });
    port = await server.listen(0, '127.0.0.1');
    const completion = new SeriesCompletion(index, new AnalysisRepository(db), {
      routes,
      analyses: new AnalysisRegistry([routingOnlyAnalysis('ctp', routes)]),
      stableAfterSeconds: 30,
      instancePath: (p) => store.absolutePath(p),
    });
    runs = [];
    const none = async () => undefined;
    const handlers: JobHandlers = {
      'series.check-complete': (payload) => completion.handle(payload),
      'study.check-complete': none,
      'analysis.run': async ({ analysisId }) => void runs.push(analysisId),
      'results.deliver': none,
      'alert.evaluate': none,
      'alert.escalate': none,
    };
    new JobRunner(queue, silent).start(handlers);
  });

  afterEach(async () => {
    assembly.stop();
    await server.close();
    for (const q of Object.values(queue.queues)) await q.obliterate({ force: true });
    await queue.close();
    await store.close();
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes a time-ordered perfusion series as soon as its grid is full, and queues its analysis once', async () => {
    const StudyInstanceUID = generateUid();
    const SeriesInstanceUID = generateUid();
    const outcomes = await storeInstances('127.0.0.1', port, 'NIDUS', 'PACS', perfusionFiles(StudyInstanceUID, SeriesInstanceUID, 3, 12));
    const lastStored = Date.now();
    expect(outcomes.every((o) => o.status === 0)).toBe(true);
    const [analysisId] = await until(async () => (runs.length ? runs : undefined), 5000);
    // the full grid let it through, well before the quiet period (the route's 2 s) would have
    expect(Date.now() - lastStored).toBeLessThan(1800);
    const [analysis] = await db.getRepository(AnalysisEntity).find();
    expect(analysis).toMatchObject({ id: analysisId, kind: 'ctp', priority: 'stat', instanceCount: 36, SeriesInstanceUID, supersedesId: null });
    expect((await db.getRepository(SeriesEntity).findOneByOrFail({ SeriesInstanceUID })).state).toBe('complete');
    // the quiet-period check of the same count comes later and changes nothing
    await new Promise((r) => setTimeout(r, 2300));
    expect(runs).toHaveLength(1);
  });

  it('re-triggers once for instances that come after the analysis was queued, superseding it', async () => {
    const StudyInstanceUID = generateUid();
    const SeriesInstanceUID = generateUid();
    // 12 time points announced, 10 sent: the grid is not full, the quiet period (the route's 2 s) completes it
    await storeInstances('127.0.0.1', port, 'NIDUS', 'PACS', perfusionFiles(StudyInstanceUID, SeriesInstanceUID, 2, 10, 0, 12));
    await until(async () => (runs.length === 1 ? true : undefined), 5000);
    // the last two time points arrive late: one new analysis of all 24
    await storeInstances('127.0.0.1', port, 'NIDUS', 'PACS', perfusionFiles(StudyInstanceUID, SeriesInstanceUID, 2, 12, 10, 12));
    await until(async () => (runs.length === 2 ? true : undefined), 6000);
    const analyses = await db.getRepository(AnalysisEntity).find({ order: { queuedAt: 'ASC' } });
    expect(analyses.map((a) => a.instanceCount)).toEqual([20, 24]);
    expect(analyses[1].supersedesId).toBe(analyses[0].id);
    await new Promise((r) => setTimeout(r, 2500));
    expect(runs).toHaveLength(2);
  });

  it('recovers series left receiving when the process stopped before queueing their check', async () => {
    const StudyInstanceUID = generateUid();
    const SeriesInstanceUID = generateUid();
    const files = perfusionFiles(StudyInstanceUID, SeriesInstanceUID, 2, 10, 0, 12); // not a full grid
    assembly.stop(); // as if the process died: nothing is flushed to the queue
    const lost = new StudyAssembly(new StudyIndexRepository(db), { enqueue: async () => 'dropped' }, { stableAfterSeconds: 30, routes });
    (server as unknown as { policy: { storeHandler: DimseStoreHandler } }).policy.storeHandler = new DimseStoreHandler(
      new IngestService(store, new StudyIndexRepository(db), lost, { transferSyntaxes: ingestTransferSyntaxes() }),
    );
    await storeInstances('127.0.0.1', port, 'NIDUS', 'PACS', files);
    lost.stop();
    expect(runs).toEqual([]);
    // the next start, once the series has been quiet for the longest period a route asks (2 s here)
    const restarted = new StudyAssembly(new StudyIndexRepository(db), queue, { stableAfterSeconds: 0, routes });
    expect(await restarted.recover()).toBe(0);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await restarted.recover()).toBe(1);
    await until(async () => (runs.length === 1 ? true : undefined), 5000);
    expect((await db.getRepository(AnalysisEntity).findOneByOrFail({ SeriesInstanceUID })).instanceCount).toBe(20);
  });
});
