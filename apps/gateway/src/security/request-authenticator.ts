import type { Request } from 'express';
import {
  addressKey,
  API_TOKEN_PREFIX,
  AuthenticationError,
  CredentialMissingError,
  Identity,
  InvalidApiTokenError,
  Outcome,
  RateLimitedError,
  readCookie,
  Session,
  sessionIdentity,
} from '@nidus/auth';
import type { Logger, Metrics } from '@nidus/observability';
import type { SecurityContext } from '@nidus/runtime';
import { clientAddress } from './request-identity';
import { SESSION_COOKIE, SESSION_PURPOSE } from './session-cookies';

/**
 * Who a request is, from its credential: `Authorization: Bearer nidus_...` (an API token), another bearer (an
 * OIDC access token), `Authorization: Basic` with an API token as the password (PACS that speak only Basic),
 * or the page's session cookie. Failures are counted per address (429 past the limit) and audited.
 */
export class RequestAuthenticator {
  constructor(
    private readonly security: SecurityContext,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  /** Throws RateLimitedError, an AuthenticationError (CredentialMissingError when there was none) or OidcDiscoveryError. */
  async authenticate(req: Request): Promise<Identity> {
    await this.checkLimit(req);
    try {
      return await this.identify(req);
    } catch (error) {
      if (error instanceof AuthenticationError && !(error instanceof CredentialMissingError)) await this.failed(req, error);
      throw error;
    }
  }

  /** Before a credential is checked: refuses an address past its failures. */
  async checkLimit(req: Request): Promise<void> {
    const key = addressKey(clientAddress(req));
    const decision = await this.security.limiter.check(key);
    if (!decision.allowed) throw new RateLimitedError(key, decision.retryAfterSeconds);
  }

  /** A credential that did not prove an identity (here or in sign-in and acknowledge links): counted, logged, audited. */
  async failed(req: Request, error: AuthenticationError): Promise<void> {
    const address = clientAddress(req);
    await this.security.limiter.recordFailure(addressKey(address));
    this.metrics?.authFailures.inc({ outcome: 'invalid' });
    this.logger.warn({ address, method: req.method, path: req.route?.path ?? req.path, reason: error.reason }, 'authentication failed');
    try {
      await this.security.audit.record('auth.failure', { address, outcome: Outcome.MinorFailure, outcomeDescription: error.reason });
    } catch (auditError) {
      this.metrics?.auditWriteFailures.inc({ sink: 'trail' });
      this.logger.error({ err: { message: (auditError as Error).message } }, 'audit event not recorded');
    }
  }

  private async identify(req: Request): Promise<Identity> {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const space = authorization.indexOf(' ');
      const scheme = space < 0 ? authorization : authorization.slice(0, space);
      const value = space < 0 ? '' : authorization.slice(space + 1).trim();
      if (/^bearer$/i.test(scheme)) {
        if (value.startsWith(API_TOKEN_PREFIX)) return this.security.tokens.authenticate(value);
        if (!this.security.oidc) throw new InvalidApiTokenError('a bearer token that is no API token, and no OpenID provider is configured');
        return (await this.security.oidc.verifier.verifyAccessToken(value)).identity;
      }
      if (/^basic$/i.test(scheme)) {
        // RFC 7617: user-id ":" password; the user id is not looked at
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        return this.security.tokens.authenticate(decoded.slice(decoded.indexOf(':') + 1));
      }
      throw new InvalidApiTokenError(`authorization scheme ${JSON.stringify(scheme.slice(0, 16))} is not supported`);
    }
    const sealed = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (sealed) return sessionIdentity(this.security.cookies.open<Session>(SESSION_PURPOSE, sealed));
    throw new CredentialMissingError();
  }
}
