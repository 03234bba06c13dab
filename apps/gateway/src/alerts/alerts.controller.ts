import { BadRequestException, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Identity } from '@nidus/auth';
import { ALERT_STATES, AlertEvent, AlertsService, AlertView } from '@nidus/delivery';
import type { AlertState } from '@nidus/persistence';
import { AlertErrorsFilter } from './alert-errors.filter';
import { ALERTS_MODULE_OPTIONS } from './alerts-module.options';
import type { AlertsModuleOptions } from './alerts-module.options';
import { Audited } from '../security/audited.decorator';
import { clientAddress, CurrentIdentity } from '../security/request-identity';
import { RequirePermission } from '../security/require-permission.decorator';

function intParam(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) throw new BadRequestException(`${name}: expected a whole number 0-${max}, got '${value}'`);
  return n;
}

/** The stroke team's alerts: list, one alert with its updates, acknowledge, and a live event stream. */
@Controller('api/alerts')
@UseFilters(AlertErrorsFilter)
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    @Inject(ALERTS_MODULE_OPTIONS) private readonly options: AlertsModuleOptions,
  ) {}

  @Get()
  @RequirePermission('alert:read')
  @Audited('alert.read')
  async list(@Query('state') state?: string, @Query('limit') limit?: string, @Query('offset') offset?: string): Promise<{ alerts: AlertView[] }> {
    if (state !== undefined && !ALERT_STATES.includes(state as AlertState))
      throw new BadRequestException(`state: expected one of ${ALERT_STATES.join(', ')}, got '${state}'`);
    const alerts = await this.alerts.list({
      state: state as AlertState | undefined,
      limit: intParam('limit', limit, 100, 500) || 100,
      offset: intParam('offset', offset, 0, 1_000_000),
    });
    return { alerts };
  }

  /**
   * Server-Sent Events (HTML Living Standard, 9.2): first the open alerts (`alert.open`), then each
   * `alert.raised`, `alert.paged` and `alert.acknowledged` as it happens; a comment line keeps it alive.
   */
  @Get('stream')
  @RequirePermission('alert:read')
  @Audited('alert.read')
  async stream(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const send = (event: AlertEvent | { type: 'alert.open'; at: string; alert: AlertView }) => {
      if (!res.writableEnded) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = this.options.bus.subscribe(send); // before the snapshot: nothing falls between
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), (this.options.heartbeatSeconds ?? 15) * 1000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    res.write('retry: 3000\n\n');
    await this.options.bus.ready();
    const at = new Date().toISOString();
    for (const alert of (await this.alerts.open(this.options.openWithinHours ?? 24)).reverse()) send({ type: 'alert.open', at, alert });
  }

  @Get(':id')
  @RequirePermission('alert:read')
  @Audited('alert.read')
  get(@Param('id') id: string): Promise<AlertView & { updates: AlertView[] }> {
    return this.alerts.get(id);
  }

  /**
   * Stops escalation; 409 when someone acknowledged first. Who acknowledges is the request's verified identity
   * (a name in the body counts for nothing).
   */
  @Post(':id/ack')
  @RequirePermission('alert:acknowledge')
  @HttpCode(200)
  acknowledge(@Param('id') id: string, @CurrentIdentity() identity: Identity, @Req() req: Request): Promise<AlertView> {
    return this.alerts.acknowledge(id, { identity, address: clientAddress(req) });
  }
}
