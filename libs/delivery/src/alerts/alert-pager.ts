import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { AnalysisRegistry, ResultView } from '@nidus/analysis';
import { AckLinkSigner, applicationActor, AuditObject, AuditRecorder, Outcome } from '@nidus/auth';
import type { AlertsSection, AlertTarget } from '@nidus/config';
import type { FollowUps } from '@nidus/jobs';
import type { Logger, Metrics } from '@nidus/observability';
import {
  AlertEntity,
  AlertRepository,
  AnalysisEntity,
  AnalysisRepository,
  AuditRepository,
  ResultObjectRepository,
  StudyIndexRepository,
} from '@nidus/persistence';
import { AlertEventBus, AlertEventType } from './alert-bus';
import { AlertBusyError, WebhookRejectedError, WebhookUnavailableError } from './alert.errors';
import { renderAlertImage } from './alert-image';
import { AlertContent, alertContent, alertPayload, failureAlertContent } from './alert-payload';
import { evaluateAlertRules, evaluateFailureRules, ruleFields } from './alert-rules';
import { toAlertView } from './alert-view';
import { WebhookChannel } from './webhook.channel';

/** What raising and paging alerts needs. */
export interface AlertDeps {
  db: DataSource;
  alerts: AlertsSection;
  /** the installed analyses: what an alert shows of a result is the analysis's view of it */
  analyses: Pick<AnalysisRegistry, 'find'>;
  logger: Logger;
  /** time-to-alert goes to metrics.timeToAlertSeconds */
  metrics?: Metrics;
  /** live feed to dashboards (GET /api/alerts/stream) */
  bus?: AlertEventBus;
  /** default: a WebhookChannel with alerts.webhook */
  webhook?: WebhookChannel;
  /** result object paths are relative to it */
  dataDir?: string;
  /** where raising and paging are recorded; default the database's audit trail */
  audit?: AuditRecorder;
  /** signs the acknowledge link of each page; absent: pages carry no acknowledge link */
  ackLinks?: Pick<AckLinkSigner, 'issue'>;
  /** how long an acknowledge link works (default 12 h) */
  ackLinkTtlSeconds?: number;
  now?: () => Date;
}

/** The escalation a handler asks the job runner to schedule. */
export type EscalationFollowUps = Pick<FollowUps, 'alert.escalate'>;

/**
 * Raises one alert per finished analysis and pages a team's on-call chain, one step at a time, until
 * someone acknowledges. Every step is leased and recorded in the database before the next is scheduled,
 * so retries, duplicate jobs and restarts page each step once; a page interrupted by a crash is sent again
 * (receivers drop the duplicate by its X-Nidus-Delivery id).
 */
export class AlertPager {
  private readonly repo: AlertRepository;
  private readonly analyses: AnalysisRepository;
  private readonly index: StudyIndexRepository;
  private readonly audit: AuditRecorder;
  private readonly results: ResultObjectRepository;
  private readonly webhook: WebhookChannel;
  private readonly now: () => Date;

  constructor(private readonly deps: AlertDeps) {
    this.repo = new AlertRepository(deps.db);
    this.analyses = new AnalysisRepository(deps.db);
    this.index = new StudyIndexRepository(deps.db);
    this.audit = deps.audit ?? new AuditRecorder(new AuditRepository(deps.db), 'nidus');
    this.results = new ResultObjectRepository(deps.db);
    this.webhook = deps.webhook ?? new WebhookChannel(deps.alerts.webhook);
    this.now = deps.now ?? (() => new Date());
  }

  /** A lease covers the longest send, the picture, and a margin. */
  private get leaseMs(): number {
    return this.webhook.budgetMs + 10_000;
  }

  /** Job `alert.evaluate`: decide, record, and page the first step (or send the update). */
  async evaluate(analysisId: string): Promise<EscalationFollowUps> {
    const existing = await this.repo.findByAnalysisId(analysisId);
    if (existing) return this.resume(existing);
    const analysis = await this.analyses.findById(analysisId);
    if (!analysis) {
      this.deps.logger.warn({ analysisId }, 'alert: no such analysis');
      return {};
    }
    if (analysis.status === 'failed') return this.evaluateFailure(analysis);
    if (analysis.status !== 'succeeded' || !analysis.result) return {};
    const decision = evaluateAlertRules(this.deps.alerts.rules, analysis.kind, analysis.result);
    const root = await this.repo.findRootAlertBefore(analysis.id);
    if (!decision && !root) {
      this.deps.logger.debug({ analysisId }, 'alert: no rule met');
      return {};
    }
    const teamId = root?.team ?? decision!.team;
    const [study, series] = await Promise.all([this.index.findStudy(analysis.StudyInstanceUID), this.index.findSeries(analysis.SeriesInstanceUID)]);
    const team = this.deps.alerts.teams.find((t) => t.id === teamId);
    const content = alertContent(
      decision,
      root ? 'update' : 'alert',
      teamId,
      {
        analysis,
        study,
        series,
        teamName: team?.name ?? null,
        view: this.view(analysis, decision?.reasons ?? []),
        ruleFields: ruleFields(this.deps.alerts.rules, analysis.kind),
      },
      this.deps.alerts.phi,
    );
    const { alert, created } = await this.repo.createOnce(
      { analysisId, updatesAlertId: root?.id ?? null, level: content.level, team: teamId, payload: content as unknown as Record<string, unknown> },
      this.now(),
    );
    if (created) {
      this.deps.logger.info(
        { alertId: alert.id, analysisId, level: alert.level, team: teamId, updatesAlertId: alert.updatesAlertId, rules: content.rules },
        'alert raised',
      );
      await this.audit.record('alert.raise', {
        actor: applicationActor(this.audit.source),
        objects: [
          AuditObject.alert(alert.id, {
            analysisId,
            level: alert.level,
            team: teamId,
            rules: content.rules.join(','),
            ...(alert.updatesAlertId ? { updates: alert.updatesAlertId } : {}),
          }),
          AuditObject.study(analysis.StudyInstanceUID),
          ...(study?.PatientID ? [AuditObject.patient(study.PatientID)] : []),
        ],
      });
      await this.publish('alert.raised', alert);
    }
    return this.resume(alert);
  }

  /**
   * A stat analysis failed or was refused: the team of its rules (those with onFailure) gets an alert that the study
   * could not be analysed and why, paged like any other. Routine analyses that fail raise nothing.
   */
  private async evaluateFailure(analysis: AnalysisEntity): Promise<EscalationFollowUps> {
    if (analysis.priority !== 'stat') return {};
    const decision = evaluateFailureRules(this.deps.alerts.rules, analysis.kind, analysis.error ?? 'no reason recorded');
    if (!decision) return {};
    const [study, series] = await Promise.all([this.index.findStudy(analysis.StudyInstanceUID), this.index.findSeries(analysis.SeriesInstanceUID)]);
    const team = this.deps.alerts.teams.find((t) => t.id === decision.team);
    const title = this.deps.analyses.find(analysis.kind)?.title ?? analysis.kind;
    const content = failureAlertContent(decision, decision.team, { analysis, study, series, teamName: team?.name ?? null, title }, this.deps.alerts.phi);
    const { alert, created } = await this.repo.createOnce(
      { analysisId: analysis.id, updatesAlertId: null, level: content.level, team: decision.team, payload: content as unknown as Record<string, unknown> },
      this.now(),
    );
    if (created) {
      this.deps.logger.warn(
        { alertId: alert.id, analysisId: analysis.id, team: decision.team, reason: content.failure?.reason },
        'alert raised: stat analysis failed',
      );
      await this.audit.record('alert.raise', {
        actor: applicationActor(this.audit.source),
        objects: [
          AuditObject.alert(alert.id, { analysisId: analysis.id, level: alert.level, team: decision.team, rules: content.rules.join(','), failure: 'true' }),
          AuditObject.study(analysis.StudyInstanceUID),
          ...(study?.PatientID ? [AuditObject.patient(study.PatientID)] : []),
        ],
      });
      await this.publish('alert.raised', alert);
    }
    return this.resume(alert);
  }

  /** Job `alert.escalate`: page step `level` of an alert nobody acknowledged. */
  async escalate(alertId: string, level: number): Promise<EscalationFollowUps> {
    const alert = await this.repo.findById(alertId);
    if (!alert || alert.updatesAlertId || alert.state === 'acknowledged') return {};
    if (alert.escalationLevel !== level - 1) return this.scheduled(alert); // done already, or out of order
    return this.pageStep(alert, level);
  }

  private async resume(alert: AlertEntity): Promise<EscalationFollowUps> {
    if (alert.state === 'acknowledged') return {};
    if (alert.escalationLevel === -1) return alert.updatesAlertId ? this.pageUpdate(alert) : this.pageStep(alert, 0);
    return this.scheduled(alert);
  }

  /** The next step as the database has it, for the job runner (idempotent: job ids derive from it). */
  scheduled(alert: AlertEntity): EscalationFollowUps {
    if (alert.state === 'acknowledged' || alert.updatesAlertId || !alert.nextEscalationAt) return {};
    const delayMs = Math.max(0, alert.nextEscalationAt.getTime() - this.now().getTime());
    return { 'alert.escalate': [{ payload: { alertId: alert.id, level: alert.escalationLevel + 1 }, delayMs, priority: 'stat' }] };
  }

  private chain(teamId: string): AlertTarget[] {
    return this.deps.alerts.teams.find((t) => t.id === teamId)?.onCall ?? [];
  }

  /**
   * Takes the lease for a step. While another worker holds a live lease, polls until it records the step
   * (nothing left to do: null) or its lease lapses (a crashed worker: take over).
   */
  private async claim(alertId: string, level: number): Promise<AlertEntity | null> {
    const deadline = Date.now() + this.leaseMs + 1000;
    for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
      if (await this.repo.claim(alertId, level, this.leaseMs, this.now())) return this.repo.findById(alertId);
      const alert = await this.repo.findById(alertId);
      if (!alert || alert.state === 'acknowledged' || alert.escalationLevel !== level - 1) return null;
      if (Date.now() > deadline) throw new AlertBusyError(alertId, level);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async pageStep(alert: AlertEntity, level: number): Promise<EscalationFollowUps> {
    const chain = this.chain(alert.team);
    const claimed = await this.claim(alert.id, level);
    if (!claimed) return this.scheduled((await this.repo.findById(alert.id)) ?? alert);
    if (chain.length === 0 && level === 0) return this.dashboardOnly(claimed);
    const target = chain[level];
    if (!target) {
      await this.repo.recordPage(
        alert.id,
        level,
        { delivered: false, error: `team ${alert.team} has no on-call step ${level}`, nextEscalationAt: null, exhausted: true },
        this.now(),
      );
      return {};
    }
    const outcome = await this.send(claimed, [{ step: level, target }], chain.length);
    const hasNext = claimed.level === 'critical' && level + 1 < chain.length;
    const next = hasNext ? new Date(this.now().getTime() + (outcome.delivered ? target.ackTimeoutSeconds * 1000 : 0)) : null;
    await this.repo.recordPage(
      alert.id,
      level,
      { delivered: outcome.delivered, error: outcome.error, nextEscalationAt: next, exhausted: !outcome.delivered && !hasNext },
      this.now(),
    );
    const after = (await this.repo.findById(alert.id))!;
    await this.publish('alert.paged', after);
    return this.scheduled(after);
  }

  /** An update goes to everyone the first alert has paged so far; it does not escalate by itself. */
  private async pageUpdate(alert: AlertEntity): Promise<EscalationFollowUps> {
    const chain = this.chain(alert.team);
    const claimed = await this.claim(alert.id, 0);
    if (!claimed) return {};
    if (chain.length === 0) return this.dashboardOnly(claimed);
    const root = alert.updatesAlertId ? await this.repo.findById(alert.updatesAlertId) : null;
    const reached = Math.min(chain.length, Math.max(root?.escalationLevel ?? 0, 0) + 1);
    const outcome = await this.send(
      claimed,
      chain.slice(0, reached).map((target, step) => ({ step, target })),
      chain.length,
    );
    await this.repo.recordPage(
      alert.id,
      0,
      { delivered: outcome.delivered, error: outcome.error, nextEscalationAt: null, exhausted: !outcome.delivered },
      this.now(),
    );
    await this.publish('alert.paged', (await this.repo.findById(alert.id))!);
    return {};
  }

  /** No webhook configured for the team: the alert is on the dashboards only. */
  private async dashboardOnly(alert: AlertEntity): Promise<EscalationFollowUps> {
    this.deps.logger.info({ alertId: alert.id, team: alert.team }, 'alert: team has no on-call targets; shown on dashboards only');
    await this.repo.recordPage(alert.id, 0, { delivered: true, error: null, nextEscalationAt: null, exhausted: false }, this.now());
    await this.publish('alert.paged', (await this.repo.findById(alert.id))!);
    return {};
  }

  /** Sends the alert to the given steps; observes time-to-alert at its first 2xx. The lease is released on an unexpected error. */
  private async send(alert: AlertEntity, steps: { step: number; target: AlertTarget }[], of: number): Promise<{ delivered: boolean; error: string | null }> {
    const errors: string[] = [];
    let delivered = false;
    let firstDelivery = alert.sentAt === null;
    try {
      const image = await this.image(alert);
      for (const { step, target } of steps) {
        const sentAt = this.now();
        const body = JSON.stringify(
          alertPayload(
            alert,
            { step, steps: of, target: target.name },
            sentAt,
            this.deps.alerts.publicBaseUrl,
            image ?? undefined,
            this.ackToken(alert, step, target),
          ),
        );
        try {
          const answer = await this.webhook.send(target, body, { deliveryId: `${alert.id}:${step}`, event: alert.updatesAlertId ? 'alert.update' : 'alert' });
          delivered = true;
          this.deps.logger.info({ alertId: alert.id, step, target: target.name, status: answer.status, attempts: answer.attempts }, 'alert paged');
          await this.audit.record('alert.page', {
            actor: applicationActor(this.audit.source),
            objects: this.pageObjects(alert, { step: String(step), target: target.name, status: String(answer.status), attempts: String(answer.attempts) }),
          });
          if (firstDelivery) {
            firstDelivery = false;
            await this.observeTimeToAlert(alert, answer.answeredAt);
          }
        } catch (error) {
          if (!(error instanceof WebhookRejectedError || error instanceof WebhookUnavailableError)) throw error;
          errors.push(`${target.name}: ${error.message}`);
          this.deps.logger.warn({ alertId: alert.id, step, target: target.name, err: { type: error.name, message: error.message } }, 'alert page failed');
          await this.audit.record('alert.page', {
            actor: applicationActor(this.audit.source),
            outcome: Outcome.SeriousFailure,
            outcomeDescription: error.message,
            objects: this.pageObjects(alert, { step: String(step), target: target.name }),
          });
        }
      }
    } catch (error) {
      await this.repo.release(alert.id);
      throw error;
    }
    return { delivered, error: errors.length ? errors.join('; ') : null };
  }

  /** The acknowledge link's token for one page: the alert the page is about (an update acknowledges the first), its step and target. */
  private ackToken(alert: AlertEntity, step: number, target: AlertTarget): string | undefined {
    if (!this.deps.ackLinks || !this.deps.alerts.publicBaseUrl) return undefined;
    const alertId = alert.updatesAlertId ?? alert.id;
    return this.deps.ackLinks.issue({ alertId, step, target: target.name, ttlSeconds: this.deps.ackLinkTtlSeconds ?? 12 * 3600 });
  }

  private pageObjects(alert: AlertEntity, detail: Record<string, string>) {
    const content = alert.payload as unknown as AlertContent;
    return [AuditObject.alert(alert.id, detail), AuditObject.study(content.study.StudyInstanceUID)];
  }

  private async image(alert: AlertEntity) {
    const options = this.deps.alerts.image;
    if (!options.enabled) return null;
    const content = alert.payload as unknown as AlertContent;
    try {
      const analysis = await this.analyses.findById(content.analysis.id);
      if (!analysis) return null;
      const keyImage = this.view(analysis, content.reasons).keyImage;
      const object = keyImage?.SOPInstanceUID ? await this.results.find(keyImage.SOPInstanceUID) : null;
      const keyObjectPath = object && this.deps.dataDir ? join(this.deps.dataDir, object.path) : null;
      return await renderAlertImage({ keyImage, keyObjectPath, width: options.width });
    } catch (error) {
      // a picture never holds an alert back
      this.deps.logger.warn({ alertId: alert.id, err: { type: (error as Error).name, message: (error as Error).message } }, 'alert image not rendered');
      return null;
    }
  }

  /**
   * What the alert shows of a result: the analysis's own view; for an analysis no longer installed, the kind and
   * the rule comparisons that held.
   */
  private view(analysis: AnalysisEntity, reasons: string[]): ResultView {
    const installed = this.deps.analyses.find(analysis.kind);
    if (installed && analysis.result) return installed.view(analysis.result as never);
    return { title: analysis.kind, summary: reasons.join(', ') || analysis.kind, fields: [], keyImage: null };
  }

  /** Time from the series' last received instance to the webhook's 2xx. */
  private async observeTimeToAlert(alert: AlertEntity, answeredAt: Date): Promise<void> {
    if (!this.deps.metrics) return;
    const content = alert.payload as unknown as AlertContent;
    const series = await this.index.findSeries(content.study.SeriesInstanceUID);
    if (series) this.deps.metrics.timeToAlertSeconds.observe(Math.max(0, answeredAt.getTime() - series.lastReceivedAt.getTime()) / 1000);
  }

  private async publish(type: AlertEventType, alert: AlertEntity): Promise<void> {
    if (!this.deps.bus) return;
    try {
      await this.deps.bus.publish({ type, at: this.now().toISOString(), alert: toAlertView(alert) });
    } catch (error) {
      this.deps.logger.warn({ alertId: alert.id, err: { type: (error as Error).name, message: (error as Error).message } }, 'alert event not published');
    }
  }
}
