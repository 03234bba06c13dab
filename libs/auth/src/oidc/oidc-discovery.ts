import { OidcDiscoveryError } from '../auth.errors';

/** The parts of an OpenID Provider's metadata (OIDC Discovery 1.0, 3) that Nidus uses. */
export interface OidcProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  code_challenge_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
}

/** https, or http to this machine only (a test issuer). */
export function assertSafeProviderUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcDiscoveryError(`${what} ${JSON.stringify(value)} is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new OidcDiscoveryError(`${what} ${value} must use https`);
  return url;
}

/**
 * Reads and caches the provider's discovery document. A failed refresh keeps the last good copy, so a
 * provider outage does not sign everyone out of an already-validated key set.
 */
export class OidcDiscovery {
  private cached?: { metadata: OidcProviderMetadata; fetchedAt: number };
  private inflight?: Promise<OidcProviderMetadata>;

  constructor(
    readonly issuer: string,
    private readonly options: { cacheSeconds?: number; httpTimeoutMs?: number; now?: () => number } = {},
  ) {
    assertSafeProviderUrl(issuer, 'OIDC issuer');
  }

  /** OIDC Discovery 4: the issuer, without a trailing slash, and /.well-known/openid-configuration. */
  get documentUrl(): string {
    return `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  }

  async metadata(): Promise<OidcProviderMetadata> {
    const now = (this.options.now ?? Date.now)();
    if (this.cached && now - this.cached.fetchedAt < (this.options.cacheSeconds ?? 600) * 1000) return this.cached.metadata;
    this.inflight ??= this.fetchDocument().finally(() => (this.inflight = undefined));
    try {
      const metadata = await this.inflight;
      this.cached = { metadata, fetchedAt: now };
      return metadata;
    } catch (error) {
      if (this.cached) return this.cached.metadata;
      throw error;
    }
  }

  private async fetchDocument(): Promise<OidcProviderMetadata> {
    let response: Response;
    try {
      response = await fetch(this.documentUrl, { signal: AbortSignal.timeout(this.options.httpTimeoutMs ?? 5000), headers: { accept: 'application/json' } });
    } catch (error) {
      throw new OidcDiscoveryError(`cannot read ${this.documentUrl}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new OidcDiscoveryError(`${this.documentUrl} answered ${response.status}`);
    let body: Partial<OidcProviderMetadata>;
    try {
      body = (await response.json()) as Partial<OidcProviderMetadata>;
    } catch {
      throw new OidcDiscoveryError(`${this.documentUrl} is not JSON`);
    }
    // OIDC Discovery 4.3: the issuer in the document must be identical to the one it was fetched for
    if (body.issuer !== this.issuer) throw new OidcDiscoveryError(`discovery document names issuer ${JSON.stringify(body.issuer)}, expected ${this.issuer}`);
    for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof body[key] !== 'string') throw new OidcDiscoveryError(`discovery document lacks ${key}`);
      assertSafeProviderUrl(body[key], key);
    }
    const methods = body.code_challenge_methods_supported;
    if (Array.isArray(methods) && !methods.includes('S256')) throw new OidcDiscoveryError('the provider does not support PKCE with S256');
    return body as OidcProviderMetadata;
  }
}
