// The alert worker harness: it loads the whole pipeline (analyses, delivery, jobs, persistence), so it is its own entry,
// @nidus/testing/alerts, and not part of @nidus/testing, which every spec imports.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { AnalysisRegistry } from '@nidus/analysis';
import { AckLinkSigner } from '@nidus/auth';
import { openAnalyses } from '@nidus/analyses';
import { AlertsSection, DatabaseConfig, nidusVersion } from '@nidus/config';
import { AlertEventBus, createAlertHandlers } from '@nidus/delivery';
import { JobHandlers, JobQueue, JobRunner, openBullQueues } from '@nidus/jobs';
import { Metrics } from '@nidus/observability';
import { AnalysisRepository, openDatabase, StudyIndexRepository } from '@nidus/persistence';
import { ACK_LINK_SECRET, createTestDatabase, DatabaseKind, PROJECT_ROOT, REDIS_URL, silent } from '@nidus/testing';

/** A database, a Redis prefix, and a worker (queue + runner) that can be stopped and started again on them. */
export class AlertHarness {
  db!: DataSource;
  queue!: JobQueue;
  readonly metrics = new Metrics({ defaultMetrics: false });
  /** the installed analyses (their views are what alerts show) */
  readonly analyses: AnalysisRegistry = openAnalyses({ nidusVersion: nidusVersion(), modelsDir: join(PROJECT_ROOT, 'models') }).registry;
  readonly prefix = `nidus-alert-test-${randomBytes(4).toString('hex')}`;
  /** signs the acknowledge links of the worker's pages */
  readonly ackLinks = new AckLinkSigner([ACK_LINK_SECRET]);
  private config!: DatabaseConfig;
  private dropDb: () => Promise<void> = async () => undefined;
  private series = 0;

  static async open(kind: DatabaseKind): Promise<AlertHarness> {
    const h = new AlertHarness();
    const created = await createTestDatabase(kind, mkdtempSync(join(tmpdir(), 'nidus-alerts-')));
    h.config = created.config;
    h.dropDb = created.drop;
    h.db = await openDatabase(h.config);
    return h;
  }

  /** Starts a worker: queue, runner with the alert handlers, on the same Redis prefix and database. */
  startWorker(alerts: AlertsSection, bus?: AlertEventBus): JobQueue {
    this.queue = openBullQueues(REDIS_URL, this.prefix);
    const none = async () => undefined;
    const handlers: JobHandlers = {
      'series.check-complete': none,
      'study.check-complete': none,
      'analysis.run': none,
      'results.deliver': none,
      ...createAlertHandlers({ db: this.db, alerts, analyses: this.analyses, logger: silent, metrics: this.metrics, bus, ackLinks: this.ackLinks }),
    };
    new JobRunner(this.queue, silent).start(handlers);
    return this.queue;
  }

  /** What a process death leaves behind: Redis and the database as they are; nothing in memory. */
  async stopWorkerAndDatabase(): Promise<void> {
    await this.queue.close();
    await this.db.destroy();
  }

  async reopenDatabase(): Promise<void> {
    this.db = await openDatabase(this.config);
  }

  /** A study with one CT perfusion series received `secondsAgo`, and a finished analysis of it. */
  async analysis(result: Record<string, unknown>, options: { secondsAgo?: number; SeriesInstanceUID?: string; instances?: number } = {}): Promise<string> {
    const index = new StudyIndexRepository(this.db);
    const StudyInstanceUID = '1.2.826.0.1.3680043.8.498.1';
    const SeriesInstanceUID = options.SeriesInstanceUID ?? `1.2.826.0.1.3680043.8.498.1.${++this.series}`;
    const receivedAt = new Date(Date.now() - (options.secondsAgo ?? 2) * 1000);
    const count = options.instances ?? 2;
    for (let n = 1; n <= count; n++) {
      await index.recordInstance({
        instance: {
          SOPInstanceUID: `${SeriesInstanceUID}.${n}`,
          SeriesInstanceUID,
          StudyInstanceUID,
          SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
          TransferSyntaxUID: '1.2.840.10008.1.2.1',
          InstanceNumber: n,
          path: `x/${n}.dcm`,
          sizeBytes: 1000,
          sha256: 'a'.repeat(64),
          callingAETitle: 'PACS',
          receivedAt: new Date(receivedAt.getTime() - (count - n) * 100),
        },
        study: {
          PatientID: 'P-5551234',
          PatientName: 'DOE^JANE',
          PatientSex: 'F',
          PatientAge: '071Y',
          PatientBirthDate: '19540101',
          AccessionNumber: 'ACC-778899',
          StudyDescription: 'CT PERFUSION HEAD',
        },
        series: { Modality: 'CT', SeriesDescription: 'PERFUSION', SeriesNumber: 4 },
      });
    }
    const analyses = new AnalysisRepository(this.db);
    const { analysis } = await analyses.createOnce({
      inputKey: randomBytes(32).toString('hex'),
      StudyInstanceUID,
      SeriesInstanceUID,
      kind: 'ctp',
      priority: 'stat',
      instanceCount: count,
    });
    await analyses.markRunning(analysis.id);
    await analyses.markSucceeded(analysis.id, result);
    return analysis.id;
  }

  async close(): Promise<void> {
    if (this.queue) {
      for (const q of Object.values(this.queue.queues)) await q.obliterate({ force: true }).catch(() => undefined);
      await this.queue.close().catch(() => undefined);
    }
    if (this.db?.isInitialized) await this.db.destroy();
    await this.dropDb();
  }
}
