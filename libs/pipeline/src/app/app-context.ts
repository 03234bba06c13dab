import { mkdirSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import type { NidusConfig } from '@nidus/config';
import { createLogger, Logger, Metrics } from '@nidus/observability';
import { RedisAlertBus } from '@nidus/delivery';
import { openDatabase } from '@nidus/persistence';
import { openBullQueues } from '../jobs/bull-queues';
import { JobQueue } from '../jobs/job-queue.repository';
import { probeRedis } from '../jobs/redis-probe';

/** The infrastructure one Nidus process holds: opened once at start, closed once at shutdown. */
export interface AppContext {
  config: NidusConfig;
  logger: Logger;
  metrics: Metrics;
  db: DataSource;
  queue: JobQueue;
  /** the Redis key prefix of queues and the alert bus: processes sharing one prefix work together */
  prefix: string;
  /** alert events from workers to the gateway's stream */
  alertBus: RedisAlertBus;
}

/** Injection tokens for Nest modules (classes serve as their own tokens: DataSource, JobQueue, Metrics). */
export const NIDUS_CONFIG = 'NIDUS_CONFIG';
export const NIDUS_LOGGER = 'NIDUS_LOGGER';

export interface OpenOptions {
  logger?: Logger;
  /** Redis key prefix; tests use their own */
  queuePrefix?: string;
}

/** Opens storage, database and queues, failing fast with a clear error when one is missing. */
export async function openAppContext(config: NidusConfig, options: OpenOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  await probeRedis(config.redisUrl);
  const db = await openDatabase(config.database);
  const prefix = options.queuePrefix ?? 'nidus';
  const queue = openBullQueues(config.redisUrl, prefix);
  return { config, logger, metrics: new Metrics(), db, queue, prefix, alertBus: new RedisAlertBus(config.redisUrl, prefix) };
}

export async function closeAppContext(context: AppContext): Promise<void> {
  await context.queue.close();
  await context.alertBus.close();
  if (context.db.isInitialized) await context.db.destroy();
}
