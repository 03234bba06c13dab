import { DynamicModule, Module } from '@nestjs/common';
import { AppContext, NidusCoreModule } from '@nidus/pipeline';
import { AlertsModule } from './alerts/alerts.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';

/** HTTP: health, metrics; DICOMweb, REST API and the review page join here as they land. */
@Module({})
export class GatewayModule {
  static forContext(context: AppContext): DynamicModule {
    return {
      module: GatewayModule,
      imports: [NidusCoreModule.forContext(context), AlertsModule.forRoot({ dataSource: context.db, bus: context.alertBus, logger: context.logger })],
      controllers: [HealthController, MetricsController],
    };
  }
}
