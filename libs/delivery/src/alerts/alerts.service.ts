import type { DataSource } from 'typeorm';
import { AuditObject, AuditRecorder, Identity, Outcome } from '@nidus/auth';
import type { Logger } from '@nidus/observability';
import { AlertEntity, AlertRepository, AlertState, AuditRepository } from '@nidus/persistence';
import { AlertEventBus } from './alert-bus';
import { AlertAlreadyAcknowledgedError, AlertNotFoundError } from './alert.errors';
import { AlertView, toAlertView } from './alert-view';

export const ALERT_STATES: readonly AlertState[] = ['pending', 'sent', 'acknowledged', 'failed'];

/** Who acknowledges: a verified identity (never a name from a request body), from where, and by which page's link. */
export interface Acknowledger {
  identity: Identity;
  address?: string;
  /** acknowledged through the link of a page: the escalation step and target it was sent to */
  link?: { step: number; target: string };
}

/** Reading and acknowledging alerts (the gateway's REST API and dashboards). */
export class AlertsService {
  private readonly repo: AlertRepository;
  private readonly audit: AuditRecorder;

  constructor(private readonly deps: { db: DataSource; bus?: AlertEventBus; logger?: Logger; audit?: AuditRecorder; now?: () => Date }) {
    this.repo = new AlertRepository(deps.db);
    this.audit = deps.audit ?? new AuditRecorder(new AuditRepository(deps.db), 'nidus');
  }

  async list(options: { state?: AlertState; limit?: number; offset?: number } = {}): Promise<AlertView[]> {
    return (await this.repo.list(options)).map(toAlertView);
  }

  /** Alerts not yet acknowledged, raised within the window: what a dashboard shows when it connects. */
  async open(withinHours = 24): Promise<AlertView[]> {
    const since = (this.deps.now?.() ?? new Date()).getTime() - withinHours * 3_600_000;
    const all = await this.repo.list({ limit: 500 });
    return all.filter((a) => a.state !== 'acknowledged' && a.createdAt.getTime() >= since).map(toAlertView);
  }

  async get(id: string): Promise<AlertView & { updates: AlertView[] }> {
    const alert = await this.repo.findById(id);
    if (!alert) throw new AlertNotFoundError(id);
    const updates = alert.updatesAlertId ? [] : await this.repo.updatesOf(alert.id);
    return { ...toAlertView(alert), updates: updates.map(toAlertView) };
  }

  /**
   * Acknowledges an alert (an update's id acknowledges the alert it updates): escalation stops, who and when
   * are recorded, the audit trail gets the event with the verified identity (and the page's step and target when
   * by link). The first acknowledgement wins; a second is refused, and recorded as refused.
   */
  async acknowledge(id: string, by: Acknowledger): Promise<AlertView> {
    const found = await this.repo.findById(id);
    if (!found) throw new AlertNotFoundError(id);
    const root: AlertEntity | null = found.updatesAlertId ? await this.repo.findById(found.updatesAlertId) : found;
    if (!root) throw new AlertNotFoundError(found.updatesAlertId!);
    const at = this.deps.now?.() ?? new Date();
    const name = by.identity.name.slice(0, 128);
    const objects = (alert: AlertEntity, detail: Record<string, string>) => {
      const study = (alert.payload as { study?: { StudyInstanceUID?: string } } | null)?.study?.StudyInstanceUID;
      const all: Record<string, string> = { ...detail };
      if (by.link) Object.assign(all, { step: String(by.link.step), target: by.link.target });
      if (id !== alert.id) all.via = id;
      return [AuditObject.alert(alert.id, all), ...(study ? [AuditObject.study(study)] : [])];
    };
    const acknowledged = await this.repo.acknowledge(root.id, name, at);
    if (!acknowledged) {
      const current = await this.repo.findById(root.id);
      await this.audit.record('alert.acknowledge', {
        identity: by.identity,
        address: by.address,
        outcome: Outcome.MinorFailure,
        outcomeDescription: `already acknowledged by ${current?.acknowledgedBy ?? 'someone'}`,
        objects: objects(root, {}),
      });
      throw new AlertAlreadyAcknowledgedError(root.id, current?.acknowledgedBy ?? null, current?.acknowledgedAt ?? null);
    }
    for (const update of await this.repo.updatesOf(root.id)) await this.repo.acknowledge(update.id, name, at);
    await this.audit.record('alert.acknowledge', {
      identity: by.identity,
      address: by.address,
      objects: objects(acknowledged, { escalationLevel: String(acknowledged.escalationLevel), team: acknowledged.team }),
    });
    this.deps.logger?.info({ alertId: root.id, escalationLevel: acknowledged.escalationLevel }, 'alert acknowledged');
    const view = toAlertView(acknowledged);
    try {
      await this.deps.bus?.publish({ type: 'alert.acknowledged', at: at.toISOString(), alert: view });
    } catch (error) {
      this.deps.logger?.warn({ alertId: root.id, err: { type: (error as Error).name, message: (error as Error).message } }, 'alert event not published');
    }
    return view;
  }
}
