import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { AuditParticipantObject, Identity } from '@nidus/auth';

const IDENTITY = Symbol('nidus.identity');
const AUDIT_OBJECTS = Symbol('nidus.auditObjects');

type Carrier = Request & { [IDENTITY]?: Identity; [AUDIT_OBJECTS]?: AuditParticipantObject[] };

/** The identity the guard verified for this request. */
export function identityOf(req: Request): Identity | undefined {
  return (req as Carrier)[IDENTITY];
}

export function setIdentity(req: Request, identity: Identity): void {
  (req as Carrier)[IDENTITY] = identity;
}

/** What a handler adds to its request's audit row (beyond the `:study` it names). */
export function addAuditObjects(req: Request, objects: AuditParticipantObject[]): void {
  ((req as Carrier)[AUDIT_OBJECTS] ??= []).push(...objects);
}

export function auditObjectsOf(req: Request): AuditParticipantObject[] {
  return (req as Carrier)[AUDIT_OBJECTS] ?? [];
}

/** The client's address: the socket's, or X-Forwarded-For's as far as http.trustProxy trusts the proxies. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** The verified identity of the request, as a handler parameter; a route without the guard's identity is refused. */
export const CurrentIdentity = createParamDecorator((_: unknown, context: ExecutionContext): Identity => {
  const identity = identityOf(context.switchToHttp().getRequest<Request>());
  if (!identity) throw new UnauthorizedException();
  return identity;
});
