import { randomBytes } from 'node:crypto';
import { OidcSignInError } from '../auth.errors';
import type { Session } from '../session/session';
import type { OidcDiscovery } from './oidc-discovery';
import type { OidcTokenVerifier } from './oidc-token.verifier';
import type { OidcOptions } from './oidc.options';
import { createPkcePair } from './pkce';

/** What the browser carries (sealed, in a short-lived cookie) between leaving for the provider and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** a path on this server to land on afterwards */
  returnTo: string;
  /** epoch ms */
  startedAt: number;
}

/** The query of the redirect back (OIDC Core 3.1.2.5, 3.1.2.6). */
export interface SignInCallback {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

/** How long a sign-in may take between the redirect out and the callback. */
export const PENDING_SIGN_IN_SECONDS = 600;

/** A path on this server, or `/`: never another origin (an open redirect), never `//host` or `/\host`. */
export function safeReturnPath(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f]/.test(value)) return '/';
  return value;
}

/**
 * The authorization-code flow with PKCE (OIDC Core 3.1, RFC 7636): the authorize URL with state, nonce and
 * an S256 challenge; then the code exchanged at the token endpoint and the ID token validated into a session.
 */
export class OidcCodeFlow {
  constructor(
    private readonly discovery: OidcDiscovery,
    private readonly verifier: OidcTokenVerifier,
    private readonly options: OidcOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async begin(returnTo?: string): Promise<{ url: string; pending: PendingSignIn }> {
    const metadata = await this.discovery.metadata();
    const { codeVerifier, codeChallenge } = createPkcePair();
    const pending: PendingSignIn = {
      state: randomBytes(24).toString('base64url'),
      nonce: randomBytes(24).toString('base64url'),
      codeVerifier,
      returnTo: safeReturnPath(returnTo),
      startedAt: this.now(),
    };
    const url = new URL(metadata.authorization_endpoint);
    const query = {
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: this.options.redirectUri,
      scope: (this.options.scopes ?? ['openid', 'profile', 'email']).join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    };
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return { url: url.toString(), pending };
  }

  /** Finishes the sign-in. Throws OidcSignInError or InvalidOidcTokenError; both are a failed sign-in (audit, rate limit). */
  async complete(callback: SignInCallback, pending: PendingSignIn): Promise<Session> {
    if (!callback.state || callback.state !== pending.state) throw new OidcSignInError('state does not match the sign-in that was started');
    if (this.now() - pending.startedAt > PENDING_SIGN_IN_SECONDS * 1000) throw new OidcSignInError('the sign-in took too long');
    if (callback.error)
      throw new OidcSignInError(`the provider refused: ${callback.error}${callback.error_description ? ` (${callback.error_description})` : ''}`);
    if (!callback.code) throw new OidcSignInError('no authorization code in the callback');
    const idToken = await this.exchange(callback.code, pending.codeVerifier);
    const claims = await this.verifier.verifyIdToken(idToken, pending.nonce);
    const identity = this.verifier.identityOf(claims, 'session');
    const signedInAt = this.now();
    return {
      subject: identity.subject,
      name: identity.name,
      roles: [...identity.roles],
      signedInAt,
      expiresAt: signedInAt + (this.options.sessionMaxAgeSeconds ?? 12 * 3600) * 1000,
    };
  }

  /** The token request (OIDC Core 3.1.3.1, RFC 6749 4.1.3) with the PKCE verifier; the ID token of the answer. */
  private async exchange(code: string, codeVerifier: string): Promise<string> {
    const metadata = await this.discovery.metadata();
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.options.redirectUri, code_verifier: codeVerifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const method = this.options.tokenEndpointAuthMethod ?? (this.options.clientSecret ? 'client_secret_basic' : 'none');
    if (method === 'client_secret_basic') {
      // RFC 6749 2.3.1: id and secret form-urlencoded before Basic
      const user = encodeURIComponent(this.options.clientId);
      const password = encodeURIComponent(this.options.clientSecret ?? '');
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    } else {
      form.set('client_id', this.options.clientId);
      if (method === 'client_secret_post') form.set('client_secret', this.options.clientSecret ?? '');
    }
    let response: Response;
    try {
      response = await fetch(metadata.token_endpoint, {
        method: 'POST',
        headers,
        body: form.toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.httpTimeoutMs ?? 5000),
      });
    } catch (error) {
      throw new OidcSignInError(`token endpoint unreachable: ${(error as Error).message}`);
    }
    let body: { id_token?: unknown; error?: unknown; error_description?: unknown };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new OidcSignInError(`token endpoint answered ${response.status} without JSON`);
    }
    if (!response.ok) throw new OidcSignInError(`token endpoint answered ${response.status}: ${String(body.error ?? 'error')}`);
    if (typeof body.id_token !== 'string') throw new OidcSignInError('token endpoint answered without an ID token');
    return body.id_token;
  }
}
