import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  AuditObject,
  AuthenticationError,
  authorize,
  CredentialMissingError,
  Identity,
  OidcDiscoveryError,
  Outcome,
  Permission,
  RateLimitedError,
  ROLE_TABLE,
  StudyResource,
} from '@nidus/auth';
import { AlertRepository } from '@nidus/persistence';
import { isPublicRoute } from './public-routes';
import { RequestAuthenticator } from './request-authenticator';
import { clientAddress, setIdentity } from './request-identity';
import { PERMISSION_KEY } from './require-permission.decorator';
import { sameOrigin } from './same-origin';
import { SECURITY_OPTIONS, SecurityModuleOptions } from './security-module.options';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route of the gateway passes here (APP_GUARD). A route on PUBLIC_ROUTES passes; a route naming a
 * permission needs an identity (401, 429 past the failure limit, 503 when the OpenID provider cannot be read)
 * holding a role that grants it (403 with the one-line reason, audited as access.denied); any other route is
 * refused, so a route nobody classified never serves.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly alerts: AlertRepository;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RequestAuthenticator) private readonly authenticator: RequestAuthenticator,
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
  ) {
    this.alerts = new AlertRepository(options.db);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, [context.getHandler(), context.getClass()]);
    if (!permission) {
      // HEAD is answered by the GET route (Express), so it is as open as the GET
      if (isPublicRoute(req.method === 'HEAD' ? 'GET' : req.method, req.route?.path)) return true;
      this.options.logger.error({ method: req.method, path: req.route?.path }, 'route names no permission and is not public: refused');
      throw new ForbiddenException('this route is not open to anyone');
    }
    let identity: Identity;
    try {
      identity = await this.authenticator.authenticate(req);
    } catch (error) {
      throw this.refusal(error, res);
    }
    setIdentity(req, identity);
    // a browser's cookie rides along on requests other sites make: state changes by session only from our own pages
    if (identity.method === 'session' && !SAFE_METHODS.has(req.method) && !sameOrigin(req)) {
      return this.deny(req, identity, permission, 'a request from another origin may not act with this session');
    }
    const resource = await this.resource(identity, permission, req);
    const decision = authorize(identity, permission, resource);
    if (decision.allowed) return true;
    return this.deny(req, identity, permission, decision.reason, resource);
  }

  /** The study a `study:*` route touches; whether it raised an alert is asked only of a role that needs it. */
  private async resource(identity: Identity, permission: Permission, req: Request): Promise<StudyResource | undefined> {
    const StudyInstanceUID = permission.startsWith('study:') ? (req.params as Record<string, string | undefined>).study : undefined;
    if (!StudyInstanceUID) return undefined;
    const scopes = identity.roles.map((role) => ROLE_TABLE[role]?.grants[permission]);
    const alerted = !scopes.includes('all') && scopes.includes('alerted') ? await this.alerts.studyRaisedAlert(StudyInstanceUID) : false;
    return { StudyInstanceUID, alerted };
  }

  private async deny(req: Request, identity: Identity, permission: Permission, reason: string, resource?: StudyResource): Promise<never> {
    this.options.metrics?.authFailures.inc({ outcome: 'forbidden' });
    try {
      await this.options.security.audit.record('access.denied', {
        identity,
        address: clientAddress(req),
        outcome: Outcome.MinorFailure,
        outcomeDescription: reason,
        objects: [
          AuditObject.configuration(`${req.method} ${req.route?.path ?? req.path}`, { permission }),
          ...(resource ? [AuditObject.study(resource.StudyInstanceUID)] : []),
        ],
      });
    } catch (error) {
      this.options.metrics?.auditWriteFailures.inc({ sink: 'trail' });
      this.options.logger.error({ err: { message: (error as Error).message } }, 'audit event not recorded');
    }
    throw new ForbiddenException(reason);
  }

  private refusal(error: unknown, res: Response): Error {
    if (error instanceof RateLimitedError) {
      this.options.metrics?.authFailures.inc({ outcome: 'rate-limited' });
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      return new HttpException('too many failed attempts from this address', HttpStatus.TOO_MANY_REQUESTS);
    }
    if (error instanceof AuthenticationError) {
      if (error instanceof CredentialMissingError) this.options.metrics?.authFailures.inc({ outcome: 'missing' });
      // RFC 6750 3: the scheme, and invalid_token when one was presented
      res.setHeader('WWW-Authenticate', error instanceof CredentialMissingError ? 'Bearer realm="nidus"' : 'Bearer realm="nidus", error="invalid_token"');
      return new UnauthorizedException();
    }
    if (error instanceof OidcDiscoveryError) {
      this.options.logger.warn({ err: { message: error.message } }, 'OpenID provider unavailable');
      return new ServiceUnavailableException('the identity provider cannot be reached; try again, or use an API token');
    }
    return error as Error;
  }
}
