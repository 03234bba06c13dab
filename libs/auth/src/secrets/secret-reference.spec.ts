import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { SecretReferenceError } from '../auth.errors';
import { REDACTED, Secret } from './secret';
import { isSecretReference, resolveSecret, secretInputSchema } from './secret-reference';

describe(resolveSecret.name, () => {
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nidus-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads { env } from the given environment and { file } from disk, dropping one trailing newline', () => {
    expect(resolveSecret({ env: 'PG_PASS' }, { env: { PG_PASS: 'p@ss word' } }, 'database.password').reveal()).toBe('p@ss word');
    writeFileSync(join(dir, 'hook'), 'line-one\n');
    writeFileSync(join(dir, 'crlf'), 'abc\r\n');
    writeFileSync(join(dir, 'two'), 'abc\n\n');
    expect(resolveSecret({ file: join(dir, 'hook') }, { env: {} }, 's').reveal()).toBe('line-one');
    expect(resolveSecret({ file: 'crlf' }, { env: {}, baseDir: dir }, 's').reveal()).toBe('abc');
    expect(resolveSecret({ file: 'two' }, { env: {}, baseDir: dir }, 's').reveal()).toBe('abc\n');
    const literal = resolveSecret('env:NOT_A_REFERENCE', { env: { NOT_A_REFERENCE: 'x' } }, 's');
    expect(literal.reveal()).toBe('env:NOT_A_REFERENCE');
    expect(literal.source).toBe('config s');
  });

  it('fails with the setting and the reference named, never a value', () => {
    const fail = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(SecretReferenceError);
        return (error as Error).message;
      }
      throw new Error('did not throw');
    };
    expect(fail(() => resolveSecret({ env: 'MISSING' }, { env: {} }, 'alerts.webhooks.0.secret'))).toBe(
      'alerts.webhooks.0.secret: environment variable MISSING is not set',
    );
    expect(fail(() => resolveSecret({ env: 'EMPTY' }, { env: { EMPTY: '' } }, 's'))).toMatch('is not set');
    expect(fail(() => resolveSecret({ file: join(dir, 'nope') }, { env: {} }, 's'))).toBe(`s: cannot read secret file ${join(dir, 'nope')}: ENOENT`);
    writeFileSync(join(dir, 'empty'), '\n');
    expect(fail(() => resolveSecret({ file: join(dir, 'empty') }, { env: {} }, 's'))).toMatch('is empty');
    expect(fail(() => resolveSecret({ vault: 'x' } as never, { env: {} }, 's'))).toMatch('a secret is a string');
  });

  it('validates references strictly in the config schema', () => {
    expect(secretInputSchema.safeParse({ env: 'A_1' }).success).toBe(true);
    expect(secretInputSchema.safeParse({ file: '/run/secrets/x' }).success).toBe(true);
    expect(secretInputSchema.safeParse('literal').success).toBe(true);
    for (const bad of [{ env: 'A-B' }, { env: 'A', file: 'b' }, { env: '' }, {}, '', 3]) expect(secretInputSchema.safeParse(bad).success).toBe(false);
    expect(isSecretReference({ env: 'X' })).toBe(true);
    expect(isSecretReference({ env: 'X', other: 1 })).toBe(false);
  });
});

describe(Secret.name, () => {
  it('never shows its value in JSON, strings, inspect or template literals', () => {
    const secret = new Secret('hunter2-very-secret', 'env DB_PASS');
    const record = { database: { password: secret } };
    expect(JSON.stringify(record)).toBe(`{"database":{"password":"${REDACTED}"}}`);
    expect(`${secret}`).toBe(REDACTED);
    expect(String(secret)).toBe(REDACTED);
    expect(inspect(record, { depth: 5 })).not.toContain('hunter2');
    expect(inspect(secret)).toBe(`Secret(${REDACTED} from env DB_PASS)`);
    expect(Object.keys(secret)).not.toContain('value');
    expect(secret.reveal()).toBe('hunter2-very-secret');
  });
});
