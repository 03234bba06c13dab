import type { JWTPayload } from 'jose';
import { InvalidOidcTokenError, OidcSignInError } from '../auth.errors';
import { CookieSealer } from '../session/sealed-cookie';
import { TestOidcIssuer } from '@nidus/testing';
import { OidcCodeFlow, PendingSignIn, safeReturnPath } from './authorization-code.flow';
import { OidcDiscovery } from './oidc-discovery';
import { OidcTokenVerifier } from './oidc-token.verifier';
import type { OidcOptions } from './oidc.options';
import { pkceChallenge } from './pkce';

const REDIRECT = 'https://nidus.example.org/auth/callback';

describe(OidcCodeFlow.name, () => {
  let issuer: TestOidcIssuer;

  beforeAll(async () => {
    issuer = new TestOidcIssuer('nidus-page', 's3cr3t:with/odd chars');
    await issuer.start();
  });

  afterAll(() => issuer.stop());

  beforeEach(() => {
    issuer.user = { sub: 'nurse-9', name: 'Kim Lee', email: 'kim@example.org', groups: ['neuro-oncall'] };
    issuer.idTokenOverrides = {};
    issuer.tokenRequests = [];
  });

  function flow(options: Partial<OidcOptions> = {}, now?: () => number): OidcCodeFlow {
    const o: OidcOptions = {
      issuer: issuer.issuer,
      clientId: 'nidus-page',
      clientSecret: 's3cr3t:with/odd chars',
      redirectUri: REDIRECT,
      rolesClaim: 'groups',
      roleMap: { 'neuro-oncall': 'stroke' },
      sessionMaxAgeSeconds: 3600,
      ...options,
    };
    const discovery = new OidcDiscovery(o.issuer, o);
    return new OidcCodeFlow(discovery, new OidcTokenVerifier(discovery, o), o, now);
  }

  /** What the browser does: follow the authorize URL to the provider, come back with its redirect's query. */
  async function browse(url: string): Promise<Record<string, string>> {
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    return Object.fromEntries(back.searchParams);
  }

  it('builds the authorize URL with state, nonce and an S256 challenge of the kept verifier', async () => {
    const { url, pending } = await flow().begin('/studies/1.2.3');
    const q = new URL(url).searchParams;
    expect(url.startsWith(`${issuer.issuer}/authorize?`)).toBe(true);
    expect(Object.fromEntries(q)).toEqual({
      response_type: 'code',
      client_id: 'nidus-page',
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: pkceChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    expect(pending.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pending.returnTo).toBe('/studies/1.2.3');
    const again = await flow().begin();
    expect(again.pending.state).not.toBe(pending.state);
    expect(again.pending.nonce).not.toBe(pending.nonce);
    expect(again.pending.returnTo).toBe('/');
  });

  it('signs in: the code is exchanged with the verifier and client secret, the ID token becomes a session', async () => {
    const f = flow();
    const { url, pending } = await f.begin();
    const session = await f.complete(await browse(url), pending);
    expect(session).toEqual({
      subject: `${issuer.issuer}#nurse-9`,
      name: 'Kim Lee',
      roles: ['stroke'],
      signedInAt: expect.any(Number),
      expiresAt: session.signedInAt + 3600_000,
    });
    const [request] = issuer.tokenRequests;
    expect(request.form.get('code_verifier')).toBe(pending.codeVerifier);
    expect(request.headers.authorization).toMatch(/^Basic /);
    expect(request.form.get('client_secret')).toBeNull();
  });

  it('signs in as a public client or with client_secret_post', async () => {
    for (const [method, secret] of [['client_secret_post', 's3cr3t:with/odd chars']] as const) {
      const f = flow({ tokenEndpointAuthMethod: method, clientSecret: secret });
      const { url, pending } = await f.begin();
      await expect(f.complete(await browse(url), pending)).resolves.toMatchObject({ name: 'Kim Lee' });
      expect(issuer.tokenRequests.at(-1)!.form.get('client_secret')).toBe(secret);
    }
    const publicIssuer = new TestOidcIssuer('nidus-public', undefined);
    await publicIssuer.start();
    try {
      publicIssuer.user = { sub: 'p', name: 'Pat' };
      const o: OidcOptions = { issuer: publicIssuer.issuer, clientId: 'nidus-public', redirectUri: REDIRECT };
      const d = new OidcDiscovery(o.issuer);
      const f = new OidcCodeFlow(d, new OidcTokenVerifier(d, o), o);
      const { url, pending } = await f.begin();
      const session = await f.complete(await browse(url), pending);
      expect(session.roles).toEqual([]); // signed in, but no role: every route answers 403
      expect(publicIssuer.tokenRequests[0].form.get('client_id')).toBe('nidus-public');
      expect(publicIssuer.tokenRequests[0].headers.authorization).toBeUndefined();
    } finally {
      await publicIssuer.stop();
    }
  });

  it('refuses a callback whose state is not the pending one, a late one and a provider error', async () => {
    let clock = Date.now();
    const f = flow({}, () => clock);
    const { url, pending } = await f.begin();
    const callback = await browse(url);
    await expect(f.complete({ ...callback, state: 'forged' }, pending)).rejects.toThrow(
      new OidcSignInError('state does not match the sign-in that was started'),
    );
    await expect(f.complete({ code: callback.code }, pending)).rejects.toThrow(OidcSignInError);
    await expect(f.complete({ state: pending.state, error: 'access_denied', error_description: 'user cancelled' }, pending)).rejects.toThrow(
      'the provider refused: access_denied (user cancelled)',
    );
    clock += 601_000;
    await expect(f.complete(callback, pending)).rejects.toThrow('the sign-in took too long');
  });

  it('refuses a verifier that does not match the challenge (a stolen code) and a replayed code', async () => {
    const f = flow();
    const { url, pending } = await f.begin();
    const callback = await browse(url);
    const thief: PendingSignIn = { ...pending, codeVerifier: 'x'.repeat(43) };
    await expect(f.complete(callback, thief)).rejects.toThrow('token endpoint answered 400: invalid_grant');
    // the provider burnt the code on the failed attempt
    await expect(f.complete(callback, pending)).rejects.toThrow('invalid_grant');
  });

  it('refuses an ID token with another nonce, another audience or a wrong client secret', async () => {
    const cases: [JWTPayload, string | RegExp][] = [
      [{ nonce: 'replayed' }, 'ID token nonce does not match the sign-in'],
      [{ aud: 'other-client' }, /claim aud/],
      [{ aud: ['nidus-page', 'other'], azp: 'other' }, 'ID token has several audiences and azp is not our client'],
    ];
    for (const [overrides, reason] of cases) {
      issuer.idTokenOverrides = overrides;
      const f = flow();
      const { url, pending } = await f.begin();
      const error = await f.complete(await browse(url), pending).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOidcTokenError);
      expect((error as Error).message).toMatch(reason);
    }
    issuer.idTokenOverrides = {};
    const f = flow({ clientSecret: 'wrong' });
    const { url, pending } = await f.begin();
    await expect(f.complete(await browse(url), pending)).rejects.toThrow('token endpoint answered 401: invalid_client');
  });

  it('round-trips the pending sign-in and the session through sealed cookies', async () => {
    const sealer = new CookieSealer(['a'.repeat(32)]);
    const f = flow();
    const { url, pending } = await f.begin('/alerts');
    const carried = sealer.open<PendingSignIn>('oidc-pending', sealer.seal('oidc-pending', pending, new Date(Date.now() + 600_000)));
    const session = await f.complete(await browse(url), carried);
    expect(carried.returnTo).toBe('/alerts');
    const cookie = sealer.seal('session', session, new Date(session.expiresAt));
    expect(sealer.open('session', cookie)).toEqual(session);
  });
});

describe(safeReturnPath.name, () => {
  it('keeps local paths and turns anything that leaves the origin into /', () => {
    expect(safeReturnPath('/studies/1.2?x=1#y')).toBe('/studies/1.2?x=1#y');
    for (const bad of [undefined, '', 'https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)', '/a\nb']) {
      expect(safeReturnPath(bad)).toBe('/');
    }
  });
});
