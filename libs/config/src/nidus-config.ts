import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config.errors';
import { DatabaseConfig, parseDatabaseUrl } from './database-url';
import { envSchema } from './env.schema';
import { FileConfig, fileConfigSchema } from './file-config.schema';
import { resolveConfigSecrets } from './secret-setting';

/** Everything Nidus is told, read and validated once at start-up. */
export interface NidusConfig {
  dataDir: string;
  database: DatabaseConfig;
  redisUrl: string;
  /** REDIS_PREFIX: the key prefix of queues and the alert bus */
  redisPrefix: string;
  http: { host: string; port: number } & FileConfig['http'];
  /** `tlsPort` listens when `tls` is given (DICOM_TLS_PORT) */
  dicom: { port: number; tlsPort: number; aeTitle: string } & FileConfig['dicom'];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  uidRoot: string | undefined;
  stableAfterSeconds: number;
  /** RECONCILE_INTERVAL_SECONDS: database and queue compared this often by each worker */
  reconcileIntervalSeconds: number;
  diskReserveBytes: number;
  modelsDir: string;
  configFile: string | undefined;
  /** the routes NIDUS_CONFIG names; undefined: the installed analyses' own (AnalysisRegistry.routes) */
  routes: FileConfig['routes'];
  delivery: FileConfig['delivery'];
  operations: FileConfig['operations'];
  alerts: FileConfig['alerts'];
  auth: FileConfig['auth'];
  audit: FileConfig['audit'];
  inference: FileConfig['inference'];
}

function firstIssue(error: z.ZodError, prefix = ''): ConfigError {
  const issue = error.issues[0];
  const path = issue.path.join('.');
  return new ConfigError(prefix + (path || '(root)'), issue.message);
}

function readConfigFile(path: string, env: Record<string, string | undefined>): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('NIDUS_CONFIG', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError('NIDUS_CONFIG', `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = fileConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw firstIssue(parsed.error, `NIDUS_CONFIG ${path}: `);
  // secrets by reference are read now, once; relative files lie beside the config file
  return resolveConfigSecrets(parsed.data, { env, baseDir: dirname(path) }, `NIDUS_CONFIG ${path}:`);
}

/**
 * Reads configuration from the given environment (the apps pass process.env; nothing else reads it).
 * Throws ConfigError naming the first bad setting.
 */
export function loadConfig(env: Record<string, string | undefined>, projectRoot = findProjectRoot(__dirname)): NidusConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw firstIssue(parsed.error);
  const e = parsed.data;
  const file = e.NIDUS_CONFIG ? readConfigFile(resolve(e.NIDUS_CONFIG), env) : fileConfigSchema.parse({});
  const database = parseDatabaseUrl(e.DATABASE_URL, e.DATA_DIR);
  if (file.database.password) {
    if (database.type !== 'postgres') throw new ConfigError('NIDUS_CONFIG database.password', 'applies to PostgreSQL only (DATABASE_URL=postgres://...)');
    database.password = file.database.password;
  }
  return {
    dataDir: e.DATA_DIR,
    database,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, ...file.http },
    dicom: { port: e.DICOM_PORT, tlsPort: e.DICOM_TLS_PORT, aeTitle: e.DICOM_AE_TITLE, ...file.dicom },
    logLevel: e.LOG_LEVEL,
    uidRoot: e.UID_ROOT,
    stableAfterSeconds: e.STABLE_AFTER_SECONDS,
    reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS,
    diskReserveBytes: Math.round(e.DISK_RESERVE_MB * 1024 * 1024),
    modelsDir: e.MODELS_DIR ? resolve(e.MODELS_DIR) : resolve(projectRoot, 'models'),
    configFile: e.NIDUS_CONFIG ? resolve(e.NIDUS_CONFIG) : undefined,
    routes: file.routes,
    delivery: file.delivery,
    operations: file.operations,
    alerts: file.alerts,
    auth: file.auth,
    audit: file.audit,
    inference: file.inference,
  };
}

/** The folder holding Nidus's package.json, from source or from dist/. */
export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}
