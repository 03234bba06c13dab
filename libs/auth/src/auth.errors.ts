// Typed errors of authentication. The HTTP edge maps them once: AuthenticationError -> 401,
// RateLimitedError -> 429 (Retry-After), SecretReferenceError -> start-up failure.

/** The presented credential does not prove an identity. `reason` is for the log and audit, never the response body. */
export abstract class AuthenticationError extends Error {
  override name = this.constructor.name;
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** No credential at all (no Authorization header, no session cookie): refused, but not a failed attempt. */
export class CredentialMissingError extends AuthenticationError {
  constructor() {
    super('no credential');
  }
}

/** An API token that is malformed, unknown, expired or revoked. */
export class InvalidApiTokenError extends AuthenticationError {}

/** A bearer JWT or ID token that failed validation (signature, issuer, audience, time, nonce). */
export class InvalidOidcTokenError extends AuthenticationError {}

/** The OIDC sign-in could not finish: state mismatch, error from the issuer, token endpoint failure. */
export class OidcSignInError extends AuthenticationError {}

/** The issuer's discovery document or key set could not be read or is not what OIDC Discovery 1.0 requires. */
export class OidcDiscoveryError extends Error {
  override name = 'OidcDiscoveryError';
}

/** A session cookie that cannot be opened (tampered, wrong key, expired). */
export class InvalidSessionError extends AuthenticationError {}

/** An acknowledgement link token that is malformed, forged, expired or already used. */
export class InvalidAckLinkError extends AuthenticationError {}

/** Too many failed attempts from one address. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(
    readonly key: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`too many failed attempts from ${key}; retry after ${retryAfterSeconds} s`);
  }
}

/** A secret reference ({ env } or { file }) that cannot be resolved. Names the reference, never a value. */
export class SecretReferenceError extends Error {
  override name = 'SecretReferenceError';
}
