import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AnalysisRegistry } from '@nidus/analysis';
import { Metrics } from '@nidus/observability';
import { AnalysisRepository, AuditRepository, DeliveryRepository, StudyIndexRepository } from '@nidus/persistence';
import { JobQueue } from '@nidus/jobs';
import { AppContext, NIDUS_CONFIG, NIDUS_LOGGER, NIDUS_ROUTES, NIDUS_SECURITY } from './app-context';

/** Hands the process's infrastructure and repositories to every Nest module. */
@Global()
@Module({})
export class NidusCoreModule {
  static forContext(context: AppContext): DynamicModule {
    const providers = [
      { provide: NIDUS_CONFIG, useValue: context.config },
      { provide: NIDUS_LOGGER, useValue: context.logger },
      { provide: Metrics, useValue: context.metrics },
      { provide: DataSource, useValue: context.db },
      { provide: JobQueue, useValue: context.queue },
      { provide: AnalysisRegistry, useValue: context.analyses.registry },
      { provide: NIDUS_ROUTES, useValue: context.routes },
      { provide: NIDUS_SECURITY, useValue: context.security },
      { provide: StudyIndexRepository, useFactory: () => new StudyIndexRepository(context.db) },
      { provide: AnalysisRepository, useFactory: () => new AnalysisRepository(context.db) },
      { provide: DeliveryRepository, useFactory: () => new DeliveryRepository(context.db) },
      { provide: AuditRepository, useValue: context.security.auditLog },
    ];
    return { module: NidusCoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
