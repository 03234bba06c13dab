import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Secret } from '@nidus/auth';
import { ConfigError } from './config.errors';
import { loadConfig } from './nidus-config';
import { resolveConfigSecrets, secretSetting, UnresolvedSecret } from './secret-setting';

function configFile(content: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-secrets-'));
  const path = join(dir, 'nidus.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const team = (secret: unknown) => ({ alerts: { teams: [{ id: 'stroke', onCall: [{ name: 'pager', url: 'https://pager.example.org/a', secret }] }] } });

describe(secretSetting.name, () => {
  it('parses a literal to a Secret and a reference to one read later; neither prints itself', () => {
    const literal = secretSetting().parse('a literal secret');
    expect(literal).toBeInstanceOf(Secret);
    expect(literal.reveal()).toBe('a literal secret');
    const reference = secretSetting().parse({ env: 'NIDUS_X' });
    expect(reference).toBeInstanceOf(UnresolvedSecret);
    expect(() => reference.reveal()).toThrow(/not resolved/);
    expect(JSON.stringify({ literal, reference })).toBe('{"literal":"[redacted]","reference":"[redacted]"}');
    expect(inspect(literal)).not.toContain('literal secret');
    expect(secretSetting({ minBytes: 16 }).safeParse('short').success).toBe(false);
    expect(secretSetting().safeParse({ env: 'x-y' }).success).toBe(false);
  });
});

describe(resolveConfigSecrets.name, () => {
  it('reads every reference of NIDUS_CONFIG once, from the environment or a file beside the config', () => {
    const path = configFile({
      ...team({ env: 'PAGER_SECRET' }),
      auth: {
        cookieSecrets: [{ file: 'cookie.key' }],
        oidc: {
          issuer: 'https://idp.example.org',
          clientId: 'nidus',
          clientSecret: { env: 'OIDC_SECRET' },
          redirectUri: 'https://nidus.example.org/auth/callback',
        },
      },
    });
    writeFileSync(join(path, '..', 'cookie.key'), 'a cookie secret of thirty-two bytes or more\n');
    const config = loadConfig({ NIDUS_CONFIG: path, PAGER_SECRET: 'pager-secret-0123456789', OIDC_SECRET: 'oidc-client-secret' });
    expect(config.alerts.teams[0].onCall[0].secret.reveal()).toBe('pager-secret-0123456789');
    expect(config.auth.cookieSecrets![0].reveal()).toBe('a cookie secret of thirty-two bytes or more');
    expect(config.auth.oidc!.clientSecret!.reveal()).toBe('oidc-client-secret');
    expect(JSON.stringify(config)).not.toMatch(/pager-secret|oidc-client-secret|thirty-two/);
  });

  it.each([
    [team({ env: 'MISSING' }), {}, /^NIDUS_CONFIG .*nidus\.json: alerts\.teams\.0\.onCall\.0\.secret: environment variable MISSING is not set$/],
    [team({ env: 'SHORT' }), { SHORT: 'tiny' }, /alerts\.teams\.0\.onCall\.0\.secret: a secret of at least 16 characters$/],
    [team({ file: 'absent.key' }), {}, /alerts\.teams\.0\.onCall\.0\.secret: cannot read secret file .*absent\.key: ENOENT$/],
    [{ auth: { ackLinkSecrets: ['too short'] } }, {}, /auth\.ackLinkSecrets\.0: a secret of at least 32 characters$/],
    [{ database: { password: { env: 'PW' } } }, { PW: 'x' }, /^NIDUS_CONFIG database\.password: applies to PostgreSQL only/],
    [{ alerts: { publicBaseUrl: 'http://nidus.example.org' } }, {}, /alerts\.publicBaseUrl: links in alerts must be https:\/\//],
  ])('names the setting whose secret cannot be had: %j', (content, env, message) => {
    let error: unknown;
    try {
      loadConfig({ NIDUS_CONFIG: configFile(content), ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('puts database.password into the PostgreSQL connection, not into DATABASE_URL', () => {
    const config = loadConfig({
      NIDUS_CONFIG: configFile({ database: { password: { env: 'PW' } } }),
      PW: 's3cret',
      DATABASE_URL: 'postgres://nidus@db:5432/nidus',
    });
    expect(config.database).toMatchObject({ type: 'postgres', url: 'postgres://nidus@db:5432/nidus' });
    expect(config.database.type === 'postgres' && config.database.password?.reveal()).toBe('s3cret');
  });

  it('accepts http:// acknowledge links for this machine only, and DICOM TLS only with what it needs', () => {
    expect(loadConfig({ NIDUS_CONFIG: configFile({ alerts: { publicBaseUrl: 'http://127.0.0.1:8080' } }) }).alerts.publicBaseUrl).toBe('http://127.0.0.1:8080');
    expect(() => loadConfig({ NIDUS_CONFIG: configFile({ dicom: { plain: false } }) })).toThrow(/dicom\.plain: plain: false needs dicom\.tls/);
    expect(() => loadConfig({ NIDUS_CONFIG: configFile({ dicom: { tls: { cert: 'c', key: 'k', requireClientCertificate: true } } }) })).toThrow(
      /dicom\.tls\.ca: /,
    );
    expect(() => loadConfig({ NIDUS_CONFIG: configFile({ dicom: { callingAETitleAddresses: { PACS: ['10.0.0.300'] } } }) })).toThrow(
      /callingAETitleAddresses\.PACS\.0: expected an IP address or CIDR block/,
    );
    expect(loadConfig({}).dicom).toMatchObject({ tlsPort: 2762, plain: true, callingAETitleAddresses: {} });
  });
});
