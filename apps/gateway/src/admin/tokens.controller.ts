import { BadRequestException, Body, Controller, Delete, Get, Header, HttpCode, Inject, NotFoundException, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiTokenSummary, AuditObject, Identity, isRole, ROLES } from '@nidus/auth';
import { CurrentIdentity, clientAddress } from '../security/request-identity';
import { RequirePermission } from '../security/require-permission.decorator';
import { SECURITY_OPTIONS, SecurityModuleOptions } from '../security/security-module.options';

/** API tokens for admins (as `nidus tokens` does on the command line): list, create (the token shown once), revoke. */
@Controller('api/tokens')
export class TokensController {
  constructor(@Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions) {}

  @Get()
  @RequirePermission('token:manage')
  async list(): Promise<{ tokens: ApiTokenSummary[] }> {
    return { tokens: await this.options.security.tokens.list() };
  }

  /** Body `{ "name": "...", "role": "integration", "expiresAt": "2026-12-31T00:00:00Z" }`; answers the token once. */
  @Post()
  @RequirePermission('token:manage')
  @Header('Cache-Control', 'no-store')
  async create(@Body() body: unknown, @CurrentIdentity() identity: Identity, @Req() req: Request): Promise<ApiTokenSummary & { token: string }> {
    const b = (body ?? {}) as { name?: unknown; role?: unknown; expiresAt?: unknown };
    if (typeof b.name !== 'string') throw new BadRequestException('name: the token name, 1 to 64 characters');
    if (!isRole(b.role)) throw new BadRequestException(`role: one of ${ROLES.join(', ')}`);
    let expiresAt: Date | null = null;
    if (b.expiresAt !== undefined && b.expiresAt !== null) {
      if (typeof b.expiresAt !== 'string' || !Number.isFinite(Date.parse(b.expiresAt))) throw new BadRequestException('expiresAt: an ISO 8601 date-time');
      expiresAt = new Date(b.expiresAt);
    }
    let created: Awaited<ReturnType<SecurityModuleOptions['security']['tokens']['create']>>;
    try {
      created = await this.options.security.tokens.create({ name: b.name, role: b.role, expiresAt, createdBy: identity.subject });
    } catch (error) {
      if (error instanceof RangeError) throw new BadRequestException(error.message);
      throw error;
    }
    await this.options.security.audit.record('token.create', {
      identity,
      address: clientAddress(req),
      objects: [AuditObject.apiToken(created.record.id, created.record.name, created.record.role)],
    });
    return { ...created.record, token: created.token };
  }

  @Delete(':id')
  @RequirePermission('token:manage')
  @HttpCode(200)
  async revoke(@Param('id') id: string, @CurrentIdentity() identity: Identity, @Req() req: Request): Promise<ApiTokenSummary> {
    let revoked: ApiTokenSummary;
    try {
      revoked = await this.options.security.tokens.revoke(id, identity.subject);
    } catch (error) {
      if (error instanceof RangeError) throw new NotFoundException(error.message);
      throw error;
    }
    await this.options.security.audit.record('token.revoke', {
      identity,
      address: clientAddress(req),
      objects: [AuditObject.apiToken(revoked.id, revoked.name, revoked.role)],
    });
    return revoked;
  }
}
