import type { DataSource } from 'typeorm';
import type { AckLinkService, AuditRecorder } from '@nidus/auth';
import type { AlertEventBus } from '@nidus/delivery';
import type { Logger } from '@nidus/observability';

export const ALERTS_MODULE_OPTIONS = Symbol('ALERTS_MODULE_OPTIONS');

export interface AlertsModuleOptions {
  dataSource: DataSource;
  /** where workers publish alert events (RedisAlertBus on REDIS_URL with the queue prefix) */
  bus: AlertEventBus;
  /** where acknowledgements are recorded (the process's audit trail) */
  audit: AuditRecorder;
  /** checks and redeems the acknowledge links of pages */
  ackLinks: AckLinkService;
  logger?: Logger;
  /** keep-alive comment on the event stream, so proxies keep it open; default 15 s */
  heartbeatSeconds?: number;
  /** unacknowledged alerts raised within this window are sent to a dashboard when it connects; default 24 h */
  openWithinHours?: number;
}
