import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

// The statements of one index write, as plain SQL both SQLite (3.35+) and PostgreSQL run: INSERT ... ON CONFLICT
// with RETURNING. Columns and value conversions come from the entities' metadata, so a column added to an entity
// is written without touching this file.

export interface Statement {
  sql: string;
  parameters: unknown[];
}

/** `"column" = expression` on conflict; `excluded."column"` is the row that was to be inserted. */
export type OnConflict = { doNothing: true } | { update: Record<string, string> };

/**
 * INSERT of the entity's columns present in `values`, ON CONFLICT (`key`) as asked, RETURNING the key: a row back
 * when the row was inserted or updated, none when it was left alone.
 */
export function upsertStatement<T extends ObjectLiteral>(
  db: DataSource,
  entity: EntityTarget<T>,
  values: Partial<T>,
  key: keyof T & string,
  onConflict: OnConflict,
): Statement {
  const metadata = db.getMetadata(entity);
  const postgres = db.options.type === 'postgres';
  const columns = metadata.columns.filter((c) => (values as Record<string, unknown>)[c.propertyName] !== undefined);
  const parameters = columns.map((c) => {
    const value = (values as Record<string, unknown>)[c.propertyName];
    const transformer = Array.isArray(c.transformer) ? undefined : c.transformer;
    return transformer ? transformer.to(value) : value;
  });
  const placeholders = columns.map((_, i) => (postgres ? `$${i + 1}` : '?'));
  const quoted = (name: string) => `"${name}"`;
  const conflict =
    'doNothing' in onConflict
      ? 'DO NOTHING'
      : `DO UPDATE SET ${Object.entries(onConflict.update)
          .map(([column, expression]) => `${quoted(column)} = ${expression}`)
          .join(', ')}`;
  const sql =
    `INSERT INTO ${quoted(metadata.tableName)} (${columns.map((c) => quoted(c.databaseName)).join(', ')}) VALUES (${placeholders.join(', ')}) ` +
    `ON CONFLICT (${quoted(key)}) ${conflict} RETURNING ${quoted(key)}`;
  return { sql, parameters };
}
