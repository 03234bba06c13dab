import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NidusConfig, Route } from '@nidus/config';
import type { Logger } from '@nidus/observability';
import { Metrics } from '@nidus/observability';
import { InstanceFileStore, StudyIndexRepository } from '@nidus/persistence';
import { JobQueue } from '@nidus/jobs';
import { NIDUS_CONFIG, NIDUS_LOGGER, NIDUS_ROUTES, NIDUS_SECURITY, SecurityContext } from '@nidus/runtime';
import { StudyAssembly } from '@nidus/series';
import { DimseListener } from './dimse-listener';
import { ingestTransferSyntaxes } from './ingest-transfer-syntaxes';
import { IngestObserver, IngestService } from './ingest.service';

/** Counts every outcome (nidus_instances_received_total, nidus_bytes_received_total). */
export function metricsObserver(metrics: Metrics, logger?: Logger): IngestObserver {
  return {
    outcome(protocol, outcome, bytes) {
      metrics.instancesReceived.inc({ protocol, outcome: outcome.ok ? outcome.stored : `failed-${outcome.failure.status.toString(16)}` });
      if (outcome.ok && outcome.stored === 'stored') metrics.bytesReceived.inc({ protocol }, bytes);
      if (!outcome.ok)
        logger?.warn({ protocol, SOPInstanceUID: outcome.SOPInstanceUID, status: outcome.failure.status, reason: outcome.failure.reason }, 'instance refused');
      if (outcome.ok && outcome.stored === 'conflict')
        logger?.warn({ protocol, SOPInstanceUID: outcome.header.SOPInstanceUID }, 'instance sent again with other bytes: first copy kept');
      if (outcome.ok && outcome.stored === 'replaced')
        logger?.warn(
          { protocol, SOPInstanceUID: outcome.header.SOPInstanceUID, SeriesInstanceUID: outcome.header.SeriesInstanceUID },
          'stored copy was unreadable: replaced by the one sent again',
        );
    },
  };
}

/** Starts the DIMSE listener with the app, recovers series left receiving, stops both at shutdown. */
@Injectable()
export class IngestLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  port = 0;

  constructor(
    private readonly listener: DimseListener,
    private readonly assembly: StudyAssembly,
    private readonly store: InstanceFileStore,
    @Inject(NIDUS_LOGGER) private readonly logger: Logger,
    @Inject(NIDUS_CONFIG) private readonly config: NidusConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, tlsPort } = await this.listener.start();
    this.port = port;
    this.logger.info({ port, tlsPort }, 'DIMSE listener started');
    const recover = () => this.assembly.recover().catch((error) => this.logger.error({ err: { message: (error as Error).message } }, 'series recovery failed'));
    await recover();
    // and as often as the workers reconcile, for a check lost between an instance and its queue entry (Redis away or
    // restarted empty while a series came in)
    const seconds = this.config.reconcileIntervalSeconds;
    if (seconds > 0) {
      this.sweeper = setInterval(() => void recover(), seconds * 1000);
      this.sweeper.unref();
    }
  }

  private sweeper?: NodeJS.Timeout;

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.listener.stop();
    await this.assembly.flushAll();
    this.assembly.stop();
    await this.store.close();
  }
}

/**
 * Ingest for the gateway: the file store, the ingest service, study assembly and, unless told otherwise, the DIMSE
 * listener (started with the app). Global, so DICOMweb's STOW-RS stores through the same service. Needs
 * NidusCoreModule (config, logger, metrics, repositories, queue, routes).
 */
@Module({})
export class IngestModule {
  static register(options: { dimse?: boolean } = {}): DynamicModule {
    const dimse = options.dimse !== false;
    const providers = [
      {
        provide: InstanceFileStore,
        inject: [NIDUS_CONFIG, NIDUS_LOGGER],
        useFactory: async (config: NidusConfig, logger: Logger) => {
          const store = new InstanceFileStore({
            dataDir: config.dataDir,
            reserveBytes: config.diskReserveBytes,
            onConflict: (e) =>
              logger.warn(
                { ...e.key, relativePath: e.relativePath, existingSha256: e.existingSha256, incomingSha256: e.incomingSha256 },
                'instance conflict: first copy kept',
              ),
          });
          await store.init();
          return store;
        },
      },
      {
        provide: StudyAssembly,
        inject: [StudyIndexRepository, JobQueue, NIDUS_CONFIG, NIDUS_ROUTES, NIDUS_LOGGER],
        useFactory: (index: StudyIndexRepository, queue: JobQueue, config: NidusConfig, routes: Route[], logger: Logger) =>
          new StudyAssembly(index, queue, { stableAfterSeconds: config.stableAfterSeconds, routes, logger }),
      },
      {
        provide: IngestService,
        inject: [InstanceFileStore, StudyIndexRepository, StudyAssembly, Metrics, NIDUS_LOGGER],
        useFactory: (store: InstanceFileStore, index: StudyIndexRepository, assembly: StudyAssembly, metrics: Metrics, logger: Logger) =>
          new IngestService(store, index, assembly, { transferSyntaxes: ingestTransferSyntaxes() }, metricsObserver(metrics, logger)),
      },
      {
        provide: DimseListener,
        inject: [IngestService, NIDUS_CONFIG, NIDUS_LOGGER, { token: NIDUS_SECURITY, optional: true }],
        useFactory: (ingest: IngestService, config: NidusConfig, logger: Logger, security?: SecurityContext) =>
          new DimseListener(ingest, config, logger, security?.audit),
      },
    ];
    return {
      module: IngestModule,
      global: true,
      providers: dimse ? [...providers, IngestLifecycle] : providers,
      exports: [InstanceFileStore, IngestService, StudyAssembly, DimseListener],
    };
  }
}
