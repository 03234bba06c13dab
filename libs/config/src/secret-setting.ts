import { resolveSecret, Secret, SecretReference, secretInputSchema, SecretReferenceError, SecretSources } from '@nidus/auth';
import { z } from 'zod';
import { ConfigError } from './config.errors';

function describeReference(reference: SecretReference): string {
  return 'env' in reference ? `env ${reference.env}` : `file ${reference.file}`;
}

/**
 * A secret NIDUS_CONFIG gives by reference ({ env } or { file }), until loadConfig reads it
 * (resolveConfigSecrets). Revealing one before that is a programming error.
 */
export class UnresolvedSecret extends Secret {
  constructor(
    readonly reference: SecretReference,
    readonly minBytes: number,
  ) {
    super('', describeReference(reference));
  }

  override reveal(): string {
    throw new Error(`secret from ${this.source} was not resolved (loadConfig resolves every secret of NIDUS_CONFIG)`);
  }
}

/**
 * A secret setting: a literal string, `{ env: NAME }` or `{ file: PATH }` (libs/auth secret references). Parses
 * to a Secret, so it never prints itself; references are read by loadConfig.
 */
export function secretSetting(options: { minBytes?: number } = {}) {
  const minBytes = options.minBytes ?? 1;
  return secretInputSchema
    .superRefine((input, ctx) => {
      if (typeof input === 'string' && Buffer.byteLength(input) < minBytes)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `a secret of at least ${minBytes} characters` });
    })
    .transform((input): Secret => (typeof input === 'string' ? new Secret(input, 'config') : new UnresolvedSecret(input, minBytes)));
}

/**
 * Replaces every UnresolvedSecret in a parsed configuration with the Secret it refers to. Throws ConfigError
 * naming the setting (`NIDUS_CONFIG alerts.teams.0.onCall.1.secret: environment variable X is not set`).
 */
export function resolveConfigSecrets<T>(value: T, sources: SecretSources, prefix = 'NIDUS_CONFIG'): T {
  const walk = (v: unknown, path: string[]): unknown => {
    if (v instanceof UnresolvedSecret) {
      const setting = path.join('.');
      let secret: Secret;
      try {
        secret = resolveSecret(v.reference, sources, setting);
      } catch (error) {
        if (error instanceof SecretReferenceError) throw new ConfigError(`${prefix} ${setting}`, error.message.slice(setting.length + 2));
        throw error;
      }
      if (Buffer.byteLength(secret.reveal()) < v.minBytes) throw new ConfigError(`${prefix} ${setting}`, `a secret of at least ${v.minBytes} characters`);
      return secret;
    }
    if (v instanceof Secret || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, String(i)]));
    if (Object.getPrototypeOf(v) !== Object.prototype) return v;
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, walk(item, [...path, key])]));
  };
  return walk(value, []) as T;
}
