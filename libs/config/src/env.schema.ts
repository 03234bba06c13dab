import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

// The environment variables Nidus reads, each with its default. The only place that knows their names.

const port = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a port number 0-65535, got '${v}'` });
        return z.NEVER;
      }
      return n;
    })
    .describe(name);

const positiveNumber = (fallback: number, what: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected ${what}, got '${v}'` });
        return z.NEVER;
      }
      return n;
    });

// PS3.5 6.2 AE: 1-16 characters, no backslash or control characters, not all spaces.
const aeTitle = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const value = (v ?? 'NIDUS').trim();
    if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected an AE title of 1-16 printable characters without '\\', got '${v}'` });
      return z.NEVER;
    }
    return value;
  });

export const envSchema = z.object({
  DATA_DIR: z
    .string()
    .optional()
    .transform((v) => resolve(v && v.trim() ? v : './data')),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = v && v.trim() ? v.trim() : 'redis://127.0.0.1:6379';
      if (!/^rediss?:\/\/[^\s]+$/.test(value)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected redis://host:port[/db], got '${v}'` });
        return z.NEVER;
      }
      return value;
    }),
  /** the key prefix of Nidus's queues and alert bus: deployments sharing one Redis each need their own */
  REDIS_PREFIX: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = v && v.trim() ? v.trim() : 'nidus';
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected 1-64 letters, digits, '_', '.' or '-', got '${v}'` });
        return z.NEVER;
      }
      return value;
    }),
  HTTP_PORT: port('HTTP_PORT', 8080),
  HTTP_HOST: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : '0.0.0.0')),
  DICOM_PORT: port('DICOM_PORT', 11112),
  /** DICOM TLS (dicom.tls of NIDUS_CONFIG); 2762 is the port IANA registered for DICOM over TLS */
  DICOM_TLS_PORT: port('DICOM_TLS_PORT', 2762),
  DICOM_AE_TITLE: aeTitle,
  NIDUS_CONFIG: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  UID_ROOT: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined)),
  STABLE_AFTER_SECONDS: positiveNumber(10, 'a number of seconds >= 0'),
  /** how often a worker gives queue jobs to what the database says is queued or running and has none (0: at start only) */
  RECONCILE_INTERVAL_SECONDS: positiveNumber(30, 'a number of seconds >= 0'),
  DISK_RESERVE_MB: positiveNumber(1024, 'a number of MiB >= 0'),
  MODELS_DIR: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : undefined)),
});

export type Env = z.output<typeof envSchema>;
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof Env)[];

export function isAbsoluteOr(path: string, base: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}
