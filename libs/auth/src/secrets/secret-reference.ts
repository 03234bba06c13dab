import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { SecretReferenceError } from '../auth.errors';
import { Secret } from './secret';

/**
 * A secret in NIDUS_CONFIG is given by reference, as a one-key object: `{ env: NAME }` reads the environment
 * variable NAME, `{ file: /run/secrets/x }` reads the file (one trailing newline dropped, as Docker and
 * Kubernetes secrets end). The object form, not strings like `env:NAME`, so a literal password that happens
 * to start with `env:` is never misread; a plain string is still accepted as the literal value.
 */
export type SecretReference = { env: string } | { file: string };
export type SecretInput = string | SecretReference;

export const secretInputSchema = z.union([
  z.string().min(1),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);

export interface SecretSources {
  /** the environment the apps were started with (they pass process.env; nothing else reads it) */
  env: Record<string, string | undefined>;
  /** relative file references resolve against this folder (the config file's); default the working directory */
  baseDir?: string;
  readFile?: (path: string) => string;
}

export function isSecretReference(value: unknown): value is SecretReference {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'env' || keys[0] === 'file') && typeof (value as Record<string, unknown>)[keys[0]] === 'string';
}

/** The secret a config value stands for. `setting` names it in errors (`alerts.webhooks.0.secret`). */
export function resolveSecret(input: SecretInput, sources: SecretSources, setting: string): Secret {
  if (typeof input === 'string') {
    if (!input) throw new SecretReferenceError(`${setting}: empty secret`);
    return new Secret(input, `config ${setting}`);
  }
  if ('env' in input) {
    const value = sources.env[input.env];
    if (value === undefined || value === '') throw new SecretReferenceError(`${setting}: environment variable ${input.env} is not set`);
    return new Secret(value, `env ${input.env}`);
  }
  if ('file' in input) {
    const path = isAbsolute(input.file) ? input.file : resolve(sources.baseDir ?? process.cwd(), input.file);
    let text: string;
    try {
      text = (sources.readFile ?? ((p) => readFileSync(p, 'utf8')))(path);
    } catch (error) {
      throw new SecretReferenceError(`${setting}: cannot read secret file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const value = text.replace(/\r?\n$/, '');
    if (!value) throw new SecretReferenceError(`${setting}: secret file ${path} is empty`);
    return new Secret(value, `file ${path}`);
  }
  throw new SecretReferenceError(`${setting}: a secret is a string, { env: NAME } or { file: PATH }`);
}
