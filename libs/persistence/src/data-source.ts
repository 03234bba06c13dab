import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@nidus/config';
import { ENTITIES, MIGRATIONS } from './entities';

/** A database that cannot be reached or opened at start-up. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false, logging: false } as const;
  if (database.type === 'sqlite') {
    return { ...common, type: 'better-sqlite3', database: database.path, enableWAL: database.path !== ':memory:', busyTimeout: 5000 } as DataSourceOptions;
  }
  return { ...common, type: 'postgres', url: postgresUrl(database), connectTimeoutMS: 5000, extra: { max: 10 } } as DataSourceOptions;
}

/** The URL to connect with: DATABASE_URL, with NIDUS_CONFIG's database.password in it when one is given. */
function postgresUrl(database: Extract<DatabaseConfig, { type: 'postgres' }>): string {
  if (!database.password) return database.url;
  const url = new URL(database.url);
  url.password = encodeURIComponent(database.password.reveal());
  return url.toString();
}

function describe(database: DatabaseConfig): string {
  if (database.type === 'sqlite') return `SQLite ${database.path}`;
  const url = new URL(database.url);
  url.password = url.password ? '***' : '';
  return `PostgreSQL ${url.toString()}`;
}

/** Opens the database and runs pending migrations. Throws DatabaseUnavailableError with a one-line reason. */
export async function openDatabase(database: DatabaseConfig): Promise<DataSource> {
  if (database.type === 'sqlite' && database.path !== ':memory:') mkdirSync(dirname(database.path), { recursive: true });
  const dataSource = new DataSource(dataSourceOptions(database));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new DatabaseUnavailableError(`cannot open ${describe(database)}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (database.type === 'postgres') await underAdvisoryLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
  else await dataSource.runMigrations({ transaction: 'each' });
  if (database.type === 'sqlite') serializeTransactions(dataSource);
  return dataSource;
}

/** The key of the session advisory lock that migrations run under: any constant all Nidus processes share. */
export const MIGRATION_LOCK_KEY = 7_368_424_955; // 'nidus' on a phone keypad, as a bigint

/**
 * Runs `work` holding a PostgreSQL session advisory lock, so that any number of gateways and workers starting
 * at once on one database migrate one after the other: the first migrates, the others wait, then find nothing
 * to do. The lock is held on one connection of its own and released with it, even when `work` fails.
 */
async function underAdvisoryLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * SQLite through TypeORM has one connection: a transaction begun while another is open fails ("cannot start
 * a transaction within a transaction"). In one process (nidus serve: ingest, alerts, analyses) they take turns.
 */
function serializeTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  (manager as { transaction: unknown }).transaction = (...args: unknown[]) => {
    const run = tail.then(() => transaction(...args));
    tail = run.catch(() => undefined);
    return run;
  };
}
