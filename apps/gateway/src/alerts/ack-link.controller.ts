import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AckLinkClaims, ackLinkIdentity, AuditObject, AuthenticationError, RateLimitedError } from '@nidus/auth';
import { AlertAlreadyAcknowledgedError, AlertNotFoundError, AlertsService, AlertView } from '@nidus/delivery';
import { PAGE_CSP } from '../security/browser-policy';
import { RequestAuthenticator } from '../security/request-authenticator';
import { clientAddress } from '../security/request-identity';
import { sameOrigin } from '../security/same-origin';
import { simplePage } from '../security/simple-page.html';
import { ALERTS_MODULE_OPTIONS } from './alerts-module.options';
import type { AlertsModuleOptions } from './alerts-module.options';

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

function answer(req: Request, res: Response, status: number, title: string, text: string[], json: unknown, form?: { action: string; button: string }): void {
  res.status(status).setHeader('Cache-Control', 'no-store');
  if (wantsJson(req)) {
    res.json(json);
    return;
  }
  res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CSP });
  res.send(simplePage(title, text, form));
}

function acknowledgedText(alert: Pick<AlertView, 'acknowledgedBy' | 'acknowledgedAt'>): string {
  return `Acknowledged by ${alert.acknowledgedBy ?? 'someone'}${alert.acknowledgedAt ? ` at ${alert.acknowledgedAt}` : ''}. Escalation has stopped.`;
}

/**
 * The acknowledge link of a page (`links.acknowledge`): a paged clinician acknowledges from a phone without
 * signing in, the signed single-use token being the credential. GET only shows what it would acknowledge
 * (chat apps and mail scanners fetch links to preview them); the page's button POSTs, which acknowledges once
 * as the paged target at its escalation step.
 */
@Controller('ack')
export class AckLinkController {
  constructor(
    @Inject(AlertsService) private readonly alerts: AlertsService,
    @Inject(ALERTS_MODULE_OPTIONS) private readonly options: AlertsModuleOptions,
    @Inject(RequestAuthenticator) private readonly authenticator: RequestAuthenticator,
  ) {}

  @Get(':token')
  async show(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const claims = await this.check(token, req, res, (t) => Promise.resolve(this.options.ackLinks.inspect(t)));
    if (!claims) return;
    const alert = await this.alert(claims, req, res);
    if (!alert) return;
    await this.options.audit.record('alert.read', {
      identity: ackLinkIdentity(claims),
      address: clientAddress(req),
      objects: [AuditObject.alert(alert.id, { step: String(claims.step), target: claims.target })],
    });
    const link = { step: claims.step, target: claims.target, expiresAt: new Date(claims.expiresAt * 1000).toISOString() };
    const json = { alert: { id: alert.id, level: alert.level, state: alert.state, summary: alert.content?.summary ?? null }, link };
    if (alert.state === 'acknowledged') return answer(req, res, 200, 'Already acknowledged', [alert.content?.summary ?? '', acknowledgedText(alert)], json);
    answer(
      req,
      res,
      200,
      'Acknowledge this alert?',
      [alert.content?.summary ?? `Alert ${alert.id}`, `Paged to ${claims.target}, escalation step ${claims.step + 1}.`, 'Acknowledging stops the escalation.'],
      json,
      { action: req.originalUrl, button: 'Acknowledge' },
    );
  }

  @Post(':token')
  async acknowledge(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!sameOrigin(req)) return answer(req, res, 403, 'Refused', ['This form can only be sent from its own page.'], { statusCode: 403, error: 'Forbidden' });
    const inspected = await this.check(token, req, res, (t) => Promise.resolve(this.options.ackLinks.inspect(t)));
    if (!inspected) return;
    const current = await this.alert(inspected, req, res);
    if (!current) return;
    // already acknowledged (by this link a moment ago, or by someone else): say who, and leave the link as it is
    if (current.state === 'acknowledged') return answer(req, res, 409, 'Already acknowledged', [acknowledgedText(current)], current);
    const claims = await this.check(token, req, res, (t) => this.options.ackLinks.redeem(t));
    if (!claims) return;
    let view: AlertView;
    try {
      view = await this.alerts.acknowledge(claims.alertId, {
        identity: ackLinkIdentity(claims),
        address: clientAddress(req),
        link: { step: claims.step, target: claims.target },
      });
    } catch (error) {
      if (error instanceof AlertAlreadyAcknowledgedError) {
        return answer(
          req,
          res,
          409,
          'Already acknowledged',
          [acknowledgedText({ acknowledgedBy: error.by, acknowledgedAt: error.at?.toISOString() ?? null })],
          {
            statusCode: 409,
            error: 'Conflict',
            acknowledgedBy: error.by,
            acknowledgedAt: error.at?.toISOString() ?? null,
          },
        );
      }
      throw error;
    }
    answer(req, res, 200, 'Acknowledged', [view.content?.summary ?? '', acknowledgedText(view)], view);
  }

  /** The link's claims, or an answer sent (429 past the failure limit; 401, counted and audited, for a bad link). */
  private async check(token: string, req: Request, res: Response, open: (token: string) => Promise<AckLinkClaims>): Promise<AckLinkClaims | undefined> {
    try {
      await this.authenticator.checkLimit(req);
      return await open(token);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        answer(req, res, 429, 'Too many attempts', ['Too many failed attempts from this address. Wait a few minutes.'], {
          statusCode: 429,
          error: 'Too Many Requests',
        });
        return undefined;
      }
      if (!(error instanceof AuthenticationError)) throw error;
      await this.authenticator.failed(req, error);
      answer(
        req,
        res,
        401,
        'This link does not work',
        ['It has expired, was used already, or did not come from Nidus. Open the alert in Nidus and acknowledge it there.'],
        { statusCode: 401, error: 'Unauthorized' },
      );
      return undefined;
    }
  }

  private async alert(claims: AckLinkClaims, req: Request, res: Response): Promise<AlertView | undefined> {
    try {
      return await this.alerts.get(claims.alertId);
    } catch (error) {
      if (!(error instanceof AlertNotFoundError)) throw error;
      answer(req, res, 404, 'No such alert', ['The alert of this link is not known here.'], { statusCode: 404, error: 'Not Found' });
      return undefined;
    }
  }
}
