import { BadRequestException, Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { once } from 'node:events';
import type { Response } from 'express';
import { auditJsonLines } from '@nidus/auth';
import { Audited } from '../security/audited.decorator';
import { RequirePermission } from '../security/require-permission.decorator';
import { SECURITY_OPTIONS, SecurityModuleOptions } from '../security/security-module.options';
import { parseAuditQuery } from './audit-query';

/** The audit trail for admins: newest first, filtered and paged (`next`), or every match as JSON lines (`format=jsonl`). */
@Controller('api/audit')
export class AuditController {
  constructor(@Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions) {}

  @Get()
  @RequirePermission('audit:read')
  @Audited('audit.read')
  async list(@Query() q: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const query = parseAuditQuery(q);
    const log = this.options.security.auditLog;
    res.setHeader('Cache-Control', 'no-store');
    if (q.format === 'jsonl') {
      const { limit: _limit, before: _before, ...filter } = query;
      res.status(200).set({ 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': 'attachment; filename="nidus-audit.jsonl"' });
      for await (const line of auditJsonLines(log.stream(filter))) {
        if (res.destroyed) return;
        if (!res.write(line)) await once(res, 'drain');
      }
      res.end();
      return;
    }
    if (q.format !== undefined && q.format !== 'json') throw new BadRequestException(`format: expected json or jsonl, got '${String(q.format)}'`);
    const events = await log.query(query);
    const limit = query.limit ?? 100;
    res.status(200).json({ events, next: events.length === limit ? events[events.length - 1].id : null });
  }
}
