import { isSecretReference } from './secret-reference';
import { REDACTED, Secret } from './secret';

/** Keys whose values are secret wherever they appear (a config view, a logged object, an error's context). */
const SENSITIVE_KEY = /pass(word|wd|phrase)?$|secret|token|authorization|cookie|api[-_]?key|private[-_]?key|credential|^key$/i;

/** A URL's password replaced (postgres://nidus:[redacted]@db/nidus); other text as it is. */
export function redactUrlPassword(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi, `$1${REDACTED}@`);
}

/** Text with every occurrence of the known secret values, and URL passwords, replaced. */
export function redactText(text: string, secrets: readonly (string | Secret)[] = []): string {
  let out = redactUrlPassword(text);
  const values = secrets
    .map((s) => (s instanceof Secret ? s.reveal() : s))
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join(REDACTED);
  return out;
}

/**
 * A copy of a value safe to log or answer with: Secret instances and values under sensitive keys become
 * [redacted] (a reference such as { env: NAME } stays, it is not the secret), strings lose known secret
 * values and URL passwords. Cycles are cut.
 */
export function redact<T>(value: T, secrets: readonly (string | Secret)[] = []): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, sensitive: boolean): unknown => {
    if (v instanceof Secret) return REDACTED;
    if (typeof v === 'string') return sensitive ? REDACTED : redactText(v, secrets);
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return v;
    if (sensitive && isSecretReference(v)) return { ...v };
    if (seen.has(v)) return '[cycle]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, sensitive));
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, walk(item, sensitive || SENSITIVE_KEY.test(key))]));
  };
  return walk(value, false) as T;
}
