import { ColumnOptions, ValueTransformer } from 'typeorm';

// Column shapes that mean the same on SQLite and PostgreSQL.

const epochMs: ValueTransformer = {
  to: (value: Date | null | undefined) => (value == null ? value : value.getTime()),
  from: (value: string | number | null) => (value == null ? null : new Date(Number(value))),
};

/** A point in time, stored as epoch milliseconds (bigint): exact and portable. */
export function timeColumn(options: { nullable?: boolean } = {}): ColumnOptions {
  return { type: 'bigint', transformer: epochMs, nullable: options.nullable ?? false };
}

const json: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value == null ? null : JSON.parse(value)),
};

/** A JSON document stored as text. */
export function jsonColumn(options: { nullable?: boolean } = {}): ColumnOptions {
  return { type: 'text', transformer: json, nullable: options.nullable ?? true };
}

const integer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value == null ? null : Number(value)),
};

/** A whole number that may exceed 2^31 (file sizes). */
export function bigIntColumn(options: { nullable?: boolean; default?: number } = {}): ColumnOptions {
  return { type: 'bigint', transformer: integer, nullable: options.nullable ?? false, default: options.default };
}

/** DICOM UIDs are at most 64 characters (PS3.5 9.1). */
export const UID_LENGTH = 64;
