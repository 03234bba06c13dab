import { InvalidOidcTokenError, OidcDiscoveryError } from '../auth.errors';
import { TestOidcIssuer } from '@nidus/testing';
import { OidcDiscovery } from './oidc-discovery';
import { OidcTokenVerifier } from './oidc-token.verifier';
import type { OidcOptions } from './oidc.options';

describe(OidcTokenVerifier.name, () => {
  let issuer: TestOidcIssuer;

  beforeAll(async () => {
    issuer = new TestOidcIssuer('nidus-page', 'page-secret');
    await issuer.start();
  });

  afterAll(() => issuer.stop());

  function verifier(options: Partial<OidcOptions> = {}): OidcTokenVerifier {
    const o: OidcOptions = {
      issuer: issuer.issuer,
      clientId: 'nidus-page',
      redirectUri: 'http://127.0.0.1/cb',
      audience: 'nidus-api',
      rolesClaim: 'realm_access.roles',
      jwksCooldownSeconds: 0,
      ...options,
    };
    return new OidcTokenVerifier(new OidcDiscovery(o.issuer, o), o);
  }

  async function reasonOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidOidcTokenError);
    return (error as InvalidOidcTokenError).reason;
  }

  it('accepts a bearer token signed by the issuer and takes roles from the configured claim', async () => {
    const jwt = await issuer.sign({ sub: 'u-42', aud: 'nidus-api', name: 'Dr. Ada', realm_access: { roles: ['stroke', 'offline_access', 'viewer'] } });
    const { identity, claims } = await verifier().verifyAccessToken(jwt);
    expect(identity).toEqual({ subject: `${issuer.issuer}#u-42`, name: 'Dr. Ada', roles: ['stroke', 'viewer'], method: 'oidc-bearer' });
    expect(claims.sub).toBe('u-42');
  });

  it('maps provider group names to roles when a role map is configured', async () => {
    const jwt = await issuer.sign({ sub: 'u-7', aud: 'nidus-api', preferred_username: 'neuro1', groups: 'neuro-oncall radiology' });
    const { identity } = await verifier({ rolesClaim: 'groups', roleMap: { 'neuro-oncall': 'stroke', radiology: 'radiologist' } }).verifyAccessToken(jwt);
    expect(identity.roles).toEqual(['stroke', 'radiologist']);
    expect(identity.name).toBe('neuro1');
  });

  it('refuses a wrong audience, a wrong issuer, an expired token, a future nbf and a foreign signature', async () => {
    const v = verifier();
    expect(await reasonOf(v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'someone-else' })))).toMatch(/claim aud/);
    expect(await reasonOf(v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'nidus-api', iss: 'https://evil.example' })))).toMatch(/claim iss/);
    expect(await reasonOf(v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'nidus-api' }, { expiresInSeconds: -120 })))).toBe('token expired');
    const nbf = Math.floor(Date.now() / 1000) + 600;
    expect(await reasonOf(v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'nidus-api', nbf })))).toMatch(/claim nbf/);
    expect(await reasonOf(v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'nidus-api' }, { foreign: true })))).toBe('token signature invalid');
    expect(await reasonOf(v.verifyAccessToken('not.a.jwt'))).toMatch(/token invalid/);
    expect(await reasonOf(v.verifyAccessToken(await issuer.sign({ aud: 'nidus-api' })))).toMatch(/claim sub/);
  });

  it('tolerates clock skew within the configured seconds and not beyond', async () => {
    const expired30sAgo = await issuer.sign({ sub: 'u', aud: 'nidus-api' }, { expiresInSeconds: -30 });
    await expect(verifier({ clockSkewSeconds: 60 }).verifyAccessToken(expired30sAgo)).resolves.toBeDefined();
    expect(await reasonOf(verifier({ clockSkewSeconds: 10 }).verifyAccessToken(expired30sAgo))).toBe('token expired');
  });

  it('refuses algorithms outside the allow-list, including HMAC with the public key', async () => {
    await issuer.rotate(false, 'ES256');
    const es = await issuer.sign({ sub: 'u', aud: 'nidus-api' });
    await expect(verifier().verifyAccessToken(es)).resolves.toBeDefined();
    expect(await reasonOf(verifier({ algorithms: ['RS256'] }).verifyAccessToken(es))).toBe('token signed with an algorithm that is not allowed');
    const [header, payload] = es.split('.');
    const hs = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), alg: 'HS256' })).toString('base64url')}.${payload}.AAAA`;
    expect(await reasonOf(verifier().verifyAccessToken(hs))).toBe('token signed with an algorithm that is not allowed');
    await issuer.rotate();
  });

  it('follows key rotation: a token with a new key id refetches the key set, cached otherwise', async () => {
    const v = verifier();
    await v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'nidus-api' }));
    const fetched = issuer.jwksRequests;
    await v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'nidus-api' }));
    expect(issuer.jwksRequests).toBe(fetched); // cached
    const before = await issuer.sign({ sub: 'u', aud: 'nidus-api' });
    await issuer.rotate();
    await expect(v.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'nidus-api' }))).resolves.toBeDefined();
    expect(issuer.jwksRequests).toBe(fetched + 1);
    // the retired key is gone from the set: tokens it signed no longer verify
    expect(await reasonOf(v.verifyAccessToken(before))).toBe('no key of the provider matches the token');
  });

  it('reports an unreachable or lying provider as a discovery error, not a bad token', async () => {
    const dead = new OidcTokenVerifier(new OidcDiscovery('http://127.0.0.1:1', { httpTimeoutMs: 2000 }), {
      issuer: 'http://127.0.0.1:1',
      clientId: 'x',
      redirectUri: 'http://127.0.0.1/cb',
    });
    await expect(dead.verifyAccessToken(await issuer.sign({ sub: 'u', aud: 'x' }))).rejects.toBeInstanceOf(OidcDiscoveryError);
    // the document must name the issuer it was fetched for (OIDC Discovery 4.3)
    const wrongIssuer = `${issuer.issuer}/`;
    const lying = new OidcDiscovery(wrongIssuer);
    await expect(lying.metadata()).rejects.toThrow('discovery document names issuer');
    expect(() => new OidcDiscovery('http://idp.example.org')).toThrow('must use https');
  });
});
