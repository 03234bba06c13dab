import { DynamicModule, Module } from '@nestjs/common';
import { IngestModule } from '@nidus/ingest';
import { AppContext, NidusCoreModule } from '@nidus/runtime';
import { AlertsModule } from './alerts/alerts.module';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DicomWebModule } from './dicomweb/dicomweb.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { SecurityModule } from './security/security.module';
import { ReviewModule } from './review/review.module';

/**
 * HTTP (health, metrics, alerts API and acknowledge links, DICOMweb, studies API, sign-in, admin) behind the
 * guard of SecurityModule, and ingest (the DIMSE listener, started with the app).
 */
@Module({})
export class GatewayModule {
  static forContext(context: AppContext): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        NidusCoreModule.forContext(context),
        SecurityModule.forRoot({ security: context.security, db: context.db, config: context.config, logger: context.logger, metrics: context.metrics }),
        IngestModule.register(),
        AlertsModule.forRoot({
          dataSource: context.db,
          bus: context.alertBus,
          logger: context.logger,
          audit: context.security.audit,
          ackLinks: context.security.ackLinks,
        }),
        DicomWebModule.register(),
        ReviewModule.register(),
      ],
      controllers: [HealthController, MetricsController, DeliveriesController],
    };
  }
}
