import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { AuditObject, AuditParticipantObject, Outcome } from '@nidus/auth';
import { StudyIndexRepository } from '@nidus/persistence';
import { AUDITED_KEY, AuditedAction } from './audited.decorator';
import { auditObjectsOf, clientAddress, identityOf } from './request-identity';
import { SECURITY_OPTIONS, SecurityModuleOptions } from './security-module.options';

/**
 * One audit row per request of an @Audited route, written when the response has ended (streamed WADO-RS
 * included), with the guard's identity, the outcome (success, or the HTTP status / an answer cut off) and what
 * was touched: the `:study` with its patient, the query, and what the handler added. A row that cannot be
 * written is logged and counted (nidus_audit_write_failures_total); the read is not undone.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly index: StudyIndexRepository;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
  ) {
    this.index = new StudyIndexRepository(options.db);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<AuditedAction | undefined>(AUDITED_KEY, context.getHandler());
    if (action && context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const res = context.switchToHttp().getResponse<Response>();
      res.once('close', () => void this.record(action, req, res));
    }
    return next.handle();
  }

  private async record(action: AuditedAction, req: Request, res: Response): Promise<void> {
    try {
      const complete = res.writableFinished;
      const ok = complete && res.statusCode < 400;
      await this.options.security.audit.record(action, {
        identity: identityOf(req),
        address: clientAddress(req),
        outcome: ok ? Outcome.Success : Outcome.MinorFailure,
        outcomeDescription: ok ? undefined : `HTTP ${res.statusCode}${complete ? '' : ', answer cut off'}`,
        objects: await this.objects(action, req),
      });
    } catch (error) {
      this.options.metrics?.auditWriteFailures.inc({ sink: 'trail' });
      this.options.logger.error({ action, err: { message: (error as Error).message } }, 'audit event not recorded');
    }
  }

  private async objects(action: AuditedAction, req: Request): Promise<AuditParticipantObject[]> {
    const params = req.params as Record<string, string | undefined>;
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const objects: AuditParticipantObject[] = [];
    if (action === 'study.query') objects.push(AuditObject.query(query));
    if (action === 'audit.read') objects.push(AuditObject.auditLog(query));
    if (action === 'alert.read' && params.id) objects.push(AuditObject.alert(params.id));
    if (params.study) {
      objects.push(AuditObject.study(params.study, params.series ? { SeriesInstanceUID: params.series } : undefined));
      const study = await this.index.findStudy(params.study);
      if (study?.PatientID) objects.push(AuditObject.patient(study.PatientID));
    }
    return [...objects, ...auditObjectsOf(req)];
  }
}
