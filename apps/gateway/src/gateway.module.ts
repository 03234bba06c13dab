import { DynamicModule, Module } from '@nestjs/common';
import { IngestModule } from '@nidus/ingest';
import { AppContext, NidusCoreModule } from '@nidus/runtime';
import { AlertsModule } from './alerts/alerts.module';
import { DicomWebModule } from './dicomweb/dicomweb.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';

/** HTTP (health, metrics, alerts API, DICOMweb, studies API) and ingest (the DIMSE listener, started with the app). */
@Module({})
export class GatewayModule {
  static forContext(context: AppContext): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        NidusCoreModule.forContext(context),
        IngestModule.register(),
        AlertsModule.forRoot({ dataSource: context.db, bus: context.alertBus, logger: context.logger }),
        DicomWebModule.register(),
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
