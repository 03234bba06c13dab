import { isAbsolute, join, resolve } from 'node:path';
import type { Secret } from '@nidus/auth';
import { ConfigError } from './config.errors';

/** PostgreSQL's `password`, from NIDUS_CONFIG database.password, stands in for one in the URL. */
export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; password?: Secret };

/**
 * DATABASE_URL: absent -> SQLite file in DATA_DIR; `sqlite:<path>` or `file:<path>` -> that SQLite file
 * (`sqlite::memory:` for tests); `postgres://` or `postgresql://` -> PostgreSQL.
 */
export function parseDatabaseUrl(value: string | undefined, dataDir: string): DatabaseConfig {
  if (value === undefined || value.trim() === '') return { type: 'sqlite', path: join(dataDir, 'nidus.sqlite') };
  const v = value.trim();
  const sqlite = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(v);
  if (sqlite) {
    const path = sqlite[1];
    if (path === ':memory:') return { type: 'sqlite', path };
    return { type: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  if (/^postgres(?:ql)?:\/\//.test(v)) {
    try {
      const url = new URL(v);
      if (!url.hostname) throw new Error('no host');
    } catch {
      throw new ConfigError('DATABASE_URL', `'${v}' is not a valid postgres:// URL (postgres://user:password@host:5432/database)`);
    }
    return { type: 'postgres', url: v };
  }
  throw new ConfigError('DATABASE_URL', `expected postgres://user:password@host:5432/database or sqlite:<path>, got '${v}'`);
}
