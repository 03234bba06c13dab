import { redact, redactText, redactUrlPassword } from './redaction';
import { REDACTED, Secret } from './secret';

describe(redact.name, () => {
  it('redacts values under sensitive keys at any depth, keeping references and the shape', () => {
    const config = {
      database: { url: 'postgres://nidus:pg-pass-123@db:5432/nidus', password: 'pg-pass-123' },
      alerts: { webhooks: [{ url: 'https://hooks.example/x', secret: { env: 'HOOK_SECRET' }, headers: { Authorization: 'Bearer abc.def' } }] },
      auth: { oidc: { clientSecret: new Secret('oidc-secret', 'file /run/s'), clientId: 'nidus' }, cookieSecrets: ['a'.repeat(32)] },
      dicom: { port: 11112, tls: { key: '-----BEGIN PRIVATE KEY-----...', privateKey: 'pem' } },
      enabled: true,
    };
    expect(redact(config)).toEqual({
      database: { url: `postgres://nidus:${REDACTED}@db:5432/nidus`, password: REDACTED },
      alerts: { webhooks: [{ url: 'https://hooks.example/x', secret: { env: 'HOOK_SECRET' }, headers: { Authorization: REDACTED } }] },
      auth: { oidc: { clientSecret: REDACTED, clientId: 'nidus' }, cookieSecrets: [REDACTED] },
      dicom: { port: 11112, tls: { key: REDACTED, privateKey: REDACTED } },
      enabled: true,
    });
    expect(config.database.password).toBe('pg-pass-123'); // a copy; the original is untouched
  });

  it('removes known secret values from any string, e.g. an error message that echoed one', () => {
    const secret = new Secret('s3cr3t-value', 'env X');
    const logged = { msg: 'webhook rejected s3cr3t-value as signature', nested: ['key=s3cr3t-value;'], n: 4 };
    expect(redact(logged, [secret])).toEqual({ msg: `webhook rejected ${REDACTED} as signature`, nested: [`key=${REDACTED};`], n: 4 });
    expect(redactText('abc', ['abc'])).toBe('abc'); // too short to be told from ordinary text
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[cycle]' });
  });
});

describe(redactUrlPassword.name, () => {
  it('replaces the password of URLs with userinfo and nothing else', () => {
    expect(redactUrlPassword('redis://:redispass@127.0.0.1:6379/0')).toBe(`redis://:${REDACTED}@127.0.0.1:6379/0`);
    expect(redactUrlPassword('connect postgres://u:p%40ss@h/db failed')).toBe(`connect postgres://u:${REDACTED}@h/db failed`);
    expect(redactUrlPassword('https://user@host/path and http://host:8080/x')).toBe('https://user@host/path and http://host:8080/x');
  });
});
