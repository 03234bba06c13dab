import type { Role } from '../roles/role.table';

/** How Nidus trusts one OpenID Provider (proposed config section `auth.oidc`). */
export interface OidcOptions {
  /** the issuer identifier, exactly as the provider's discovery document states it */
  issuer: string;
  clientId: string;
  /** absent: a public client (PKCE alone) */
  clientSecret?: string;
  /** how the client authenticates at the token endpoint (OIDC Core 9); default client_secret_basic when there is a secret */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** where the provider sends the browser back, e.g. https://nidus.example.org/auth/callback */
  redirectUri: string;
  /** the audience bearer access tokens must carry; default the client id */
  audience?: string | string[];
  /** default openid profile email */
  scopes?: string[];
  /** dot path of the claim holding roles or groups (e.g. realm_access.roles); an array or a space/comma separated string */
  rolesClaim?: string;
  /** the provider's role or group names to Nidus roles; absent: claim values that are Nidus role names are taken as they are */
  roleMap?: Record<string, Role>;
  /** tolerance for exp, nbf and iat, seconds (default 60) */
  clockSkewSeconds?: number;
  /** signature algorithms accepted (default RS256, PS256, ES256, EdDSA); never none or HMAC */
  algorithms?: string[];
  /** how long discovery and keys are cached, seconds (default 600) */
  cacheSeconds?: number;
  /** a key id not in the cached set refetches the set at most this often, seconds (default 30): key rotation */
  jwksCooldownSeconds?: number;
  /** how long one request to the provider may take (default 5000) */
  httpTimeoutMs?: number;
  /** how long a page session lasts, seconds (default 12 h: a shift) */
  sessionMaxAgeSeconds?: number;
}

export const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
