import type { DataSource } from 'typeorm';
import type { NidusConfig } from '@nidus/config';
import type { Logger, Metrics } from '@nidus/observability';
import type { SecurityContext } from '@nidus/runtime';

export const SECURITY_OPTIONS = Symbol('SECURITY_OPTIONS');

/** What the gateway's guard, audit and sign-in need: the process's SecurityContext, its database and configuration. */
export interface SecurityModuleOptions {
  security: SecurityContext;
  db: DataSource;
  /** GET /api/config shows it, redacted */
  config: NidusConfig;
  logger: Logger;
  metrics?: Metrics;
}
