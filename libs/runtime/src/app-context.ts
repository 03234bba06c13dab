import { mkdirSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import type { AnalysisProvider } from '@nidus/analysis';
import { openAnalyses, type InstalledAnalyses } from '@nidus/analyses';
import { nidusVersion, type NidusConfig, type Route } from '@nidus/config';
import { createLogger, Logger, Metrics } from '@nidus/observability';
import { RedisAlertBus } from '@nidus/delivery';
import { openDatabase } from '@nidus/persistence';
import { JobQueue, openBullQueues, probeRedis } from '@nidus/jobs';
import { openSecurity, SecurityContext } from './security';

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
  /** the installed analyses, and the onnxruntime sessions they share */
  analyses: InstalledAnalyses;
  /** the routes in effect: NIDUS_CONFIG's, checked against what is installed, or the analyses' own */
  routes: Route[];
  /** tokens, acknowledgement links, cookies, OIDC and the audit trail */
  security: SecurityContext;
}

/** Injection tokens for Nest modules (classes serve as their own tokens: DataSource, JobQueue, Metrics). */
export const NIDUS_CONFIG = 'NIDUS_CONFIG';
export const NIDUS_LOGGER = 'NIDUS_LOGGER';
/** the routes in effect (AppContext.routes) */
export const NIDUS_ROUTES = 'NIDUS_ROUTES';
/** the process's SecurityContext */
export const NIDUS_SECURITY = 'NIDUS_SECURITY';

export interface OpenOptions {
  logger?: Logger;
  /** Redis key prefix instead of REDIS_PREFIX (tests use their own) */
  queuePrefix?: string;
  /** the analyses to install instead of INSTALLED_ANALYSES (tests add their own) */
  analysisProviders?: readonly AnalysisProvider[];
}

/** The registry of the installed analyses, and the routes in effect; a route to an analysis not installed stops start-up. */
export function installAnalyses(
  config: NidusConfig,
  providers?: readonly AnalysisProvider[],
  logger?: Logger,
): { analyses: InstalledAnalyses; routes: Route[] } {
  const analyses = openAnalyses({ nidusVersion: nidusVersion(), modelsDir: config.modelsDir, uidRoot: config.uidRoot, inference: config.inference, providers });
  for (const problem of analyses.registry.problems) logger?.error({ analysis: problem.id, reason: problem.reason }, 'analysis not installed');
  try {
    return { analyses, routes: analyses.registry.routes(config.routes) };
  } catch (error) {
    void analyses.close();
    throw error;
  }
}

/** Opens storage, database and queues, failing fast with a clear error when one is missing. */
export async function openAppContext(config: NidusConfig, options: OpenOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { analyses, routes } = installAnalyses(config, options.analysisProviders, logger);
  mkdirSync(config.dataDir, { recursive: true });
  await probeRedis(config.redisUrl);
  const db = await openDatabase(config.database);
  const prefix = options.queuePrefix ?? config.redisPrefix;
  const queue = openBullQueues(config.redisUrl, prefix);
  const metrics = new Metrics();
  const security = openSecurity(config, db, logger, metrics);
  return { config, logger, metrics, db, queue, prefix, alertBus: new RedisAlertBus(config.redisUrl, prefix), analyses, routes, security };
}

export async function closeAppContext(context: AppContext): Promise<void> {
  await context.analyses.close();
  await context.queue.close();
  await context.alertBus.close();
  await context.security.close();
  if (context.db.isInitialized) await context.db.destroy();
}
