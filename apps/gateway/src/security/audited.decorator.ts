import { SetMetadata } from '@nestjs/common';
import type { AuditAction } from '@nidus/auth';

export const AUDITED_KEY = 'nidus:audited';

/** Reads and views that leave one audit row per request, with the verified identity (AuditInterceptor). */
export type AuditedAction = Extract<AuditAction, 'study.query' | 'study.read' | 'study.store' | 'alert.read' | 'config.view' | 'audit.read'>;

/** Records the action once per request when the response ends (with its outcome), as the request's identity. */
export const Audited = (action: AuditedAction) => SetMetadata(AUDITED_KEY, action);
