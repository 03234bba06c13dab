import { DynamicModule, Module } from '@nestjs/common';
import { AppContext, NidusCoreModule } from '@nidus/pipeline';
import { AlertsModule } from './alerts/alerts.module';
import { DicomWebModule } from './dicomweb/dicomweb.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';

/** HTTP (health, metrics, alerts API, DICOMweb, studies API) and ingest (the DIMSE listener). */
@Module({})
export class GatewayModule {
  static forContext(context: AppContext): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        NidusCoreModule.forContext(context),
        AlertsModule.forRoot({ dataSource: context.db, bus: context.alertBus, logger: context.logger }),
        DicomWebModule.register(),
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
