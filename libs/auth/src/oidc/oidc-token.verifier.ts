import { createRemoteJWKSet, errors, JWTPayload, jwtVerify } from 'jose';
import { InvalidOidcTokenError, OidcDiscoveryError } from '../auth.errors';
import type { Identity } from '../identity';
import { rolesFromClaims } from './claim-roles';
import type { OidcDiscovery } from './oidc-discovery';
import { DEFAULT_ALGORITHMS, OidcOptions } from './oidc.options';

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Validates JWTs from the provider against its published keys (RFC 7519, OIDC Core 3.1.3.7): signature by
 * a key of the JWKS (refetched when an unknown key id appears: rotation), iss, aud, exp and nbf within
 * the clock skew, and an allowed algorithm.
 */
export class OidcTokenVerifier {
  private keys?: { uri: string; set: KeySet };

  constructor(
    private readonly discovery: OidcDiscovery,
    private readonly options: OidcOptions,
  ) {}

  /** A bearer access token from the Authorization header, as an identity. */
  async verifyAccessToken(jwt: string): Promise<{ identity: Identity; claims: JWTPayload }> {
    const claims = await this.verify(jwt, this.options.audience ?? this.options.clientId);
    return { identity: this.identityOf(claims, 'oidc-bearer'), claims };
  }

  /** An ID token from the token endpoint (OIDC Core 3.1.3.7): audience is our client, azp when several, nonce as sent. */
  async verifyIdToken(jwt: string, nonce: string): Promise<JWTPayload> {
    const claims = await this.verify(jwt, this.options.clientId, ['iat']);
    if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== this.options.clientId) {
      throw new InvalidOidcTokenError('ID token has several audiences and azp is not our client');
    }
    if (claims.nonce !== nonce) throw new InvalidOidcTokenError('ID token nonce does not match the sign-in');
    return claims;
  }

  identityOf(claims: JWTPayload, method: Identity['method']): Identity {
    const name = [claims.name, claims.preferred_username, claims.email, claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0)!;
    return {
      subject: `${claims.iss}#${claims.sub}`,
      name,
      roles: rolesFromClaims(claims, this.options.rolesClaim ?? 'roles', this.options.roleMap),
      method,
    };
  }

  private async verify(jwt: string, audience: string | string[], extraClaims: string[] = []): Promise<JWTPayload> {
    const metadata = await this.discovery.metadata();
    if (this.keys?.uri !== metadata.jwks_uri) {
      this.keys = {
        uri: metadata.jwks_uri,
        set: createRemoteJWKSet(new URL(metadata.jwks_uri), {
          cacheMaxAge: (this.options.cacheSeconds ?? 600) * 1000,
          cooldownDuration: (this.options.jwksCooldownSeconds ?? 30) * 1000,
          timeoutDuration: this.options.httpTimeoutMs ?? 5000,
        }),
      };
    }
    try {
      const { payload } = await jwtVerify(jwt, this.keys.set, {
        issuer: this.options.issuer,
        audience,
        algorithms: this.options.algorithms ?? DEFAULT_ALGORITHMS,
        clockTolerance: this.options.clockSkewSeconds ?? 60,
        requiredClaims: ['exp', 'sub', ...extraClaims],
      });
      return payload;
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown): Error {
  if (error instanceof errors.JWKSTimeout) return new OidcDiscoveryError(`the provider's key set did not answer: ${error.message}`);
  if (error instanceof errors.JWTExpired) return new InvalidOidcTokenError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new InvalidOidcTokenError(`claim ${error.claim} invalid: ${error.message}`);
  if (error instanceof errors.JWKSNoMatchingKey) return new InvalidOidcTokenError('no key of the provider matches the token');
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidOidcTokenError('token signed with an algorithm that is not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidOidcTokenError('token signature invalid');
  // jose raises the bare JOSEError (not a subclass) when the key set answers other than 200
  if (error instanceof errors.JWKSInvalid || (error as Error)?.constructor === errors.JOSEError) {
    return new OidcDiscoveryError(`cannot read the provider's key set: ${(error as Error).message}`);
  }
  if (error instanceof errors.JOSEError) return new InvalidOidcTokenError(`token invalid: ${error.message}`);
  if (error instanceof TypeError || (error as Error)?.name === 'AbortError')
    return new OidcDiscoveryError(`cannot read the provider's key set: ${(error as Error).message}`);
  return error as Error;
}
