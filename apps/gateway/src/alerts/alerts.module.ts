import { DynamicModule, Module } from '@nestjs/common';
import { AlertsService } from '@nidus/delivery';
import { AlertsController } from './alerts.controller';
import { ALERTS_MODULE_OPTIONS, AlertsModuleOptions } from './alerts-module.options';

const serviceProvider = {
  provide: AlertsService,
  inject: [ALERTS_MODULE_OPTIONS],
  useFactory: (o: AlertsModuleOptions) => new AlertsService({ db: o.dataSource, bus: o.bus, logger: o.logger }),
};

/**
 * `GET /api/alerts`, `GET /api/alerts/:id`, `POST /api/alerts/:id/ack`, `GET /api/alerts/stream`.
 * The gateway imports it with its database and the alert event bus the workers publish on.
 */
@Module({})
export class AlertsModule {
  static forRoot(options: AlertsModuleOptions): DynamicModule {
    return { module: AlertsModule, controllers: [AlertsController], providers: [{ provide: ALERTS_MODULE_OPTIONS, useValue: options }, serviceProvider] };
  }
}
