import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConfig } from '@nidus/config';

/** PostgreSQL on this machine (and CI): 127.0.0.1:5432, trust auth, database `test`. */
export const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh, empty PostgreSQL schema-isolated database for one test file: a new database created from
 * the server's template, dropped by `drop()`.
 */
export async function createPostgresDatabase(): Promise<{ config: DatabaseConfig; drop: () => Promise<void> }> {
  const name = `nidus_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    config: { type: 'postgres', url: url.toString() },
    drop: async () => {
      const c = new Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Both real databases, for `describe.each`: SQLite in a temp file and a fresh PostgreSQL database. */
export const DATABASE_KINDS = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export async function createTestDatabase(kind: DatabaseKind, dir: string): Promise<{ config: DatabaseConfig; drop: () => Promise<void> }> {
  if (kind === 'sqlite') return { config: { type: 'sqlite', path: `${dir}/nidus-${randomBytes(4).toString('hex')}.sqlite` }, drop: async () => undefined };
  return createPostgresDatabase();
}
