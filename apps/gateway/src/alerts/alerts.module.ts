import { DynamicModule, Module } from '@nestjs/common';
import { AlertsService } from '@nidus/delivery';
import { AckLinkController } from './ack-link.controller';
import { AlertsController } from './alerts.controller';
import { ALERTS_MODULE_OPTIONS, AlertsModuleOptions } from './alerts-module.options';

const serviceProvider = {
  provide: AlertsService,
  inject: [ALERTS_MODULE_OPTIONS],
  useFactory: (o: AlertsModuleOptions) => new AlertsService({ db: o.dataSource, bus: o.bus, logger: o.logger, audit: o.audit }),
};

/**
 * `GET /api/alerts`, `GET /api/alerts/:id`, `POST /api/alerts/:id/ack`, `GET /api/alerts/stream`, and the pages'
 * acknowledge links `GET|POST /ack/:token`. The gateway imports it with its database, the alert event bus the
 * workers publish on and its audit trail; the guard and RequestAuthenticator come from SecurityModule.
 */
@Module({})
export class AlertsModule {
  static forRoot(options: AlertsModuleOptions): DynamicModule {
    return {
      module: AlertsModule,
      controllers: [AlertsController, AckLinkController],
      providers: [{ provide: ALERTS_MODULE_OPTIONS, useValue: options }, serviceProvider],
    };
  }
}
