import type { AlertEntity } from '@nidus/persistence';
import type { AlertContent } from './alert-payload';

/** An alert as the API and the dashboards see it (JSON-ready). */
export interface AlertView {
  id: string;
  analysisId: string;
  kind: 'alert' | 'update';
  updatesAlertId: string | null;
  level: string;
  team: string;
  state: string;
  /** index of the on-call step paged last; -1 before the first page */
  escalationLevel: number;
  nextEscalationAt: string | null;
  createdAt: string;
  sentAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  lastError: string | null;
  content: AlertContent | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toAlertView(alert: AlertEntity): AlertView {
  return {
    id: alert.id,
    analysisId: alert.analysisId,
    kind: alert.updatesAlertId ? 'update' : 'alert',
    updatesAlertId: alert.updatesAlertId,
    level: alert.level,
    team: alert.team,
    state: alert.state,
    escalationLevel: alert.escalationLevel,
    nextEscalationAt: iso(alert.nextEscalationAt),
    createdAt: alert.createdAt.toISOString(),
    sentAt: iso(alert.sentAt),
    acknowledgedAt: iso(alert.acknowledgedAt),
    acknowledgedBy: alert.acknowledgedBy,
    lastError: alert.lastError,
    content: alert.payload as unknown as AlertContent | null,
  };
}
