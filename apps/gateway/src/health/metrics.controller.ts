import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from '@nidus/observability';
import { DeliveryRepository } from '@nidus/persistence';

/** Prometheus text exposition format. */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
  ) {}

  @Get()
  async metricsText(@Res() res: Response): Promise<void> {
    await this.deliveryGauges().catch(() => undefined); // a database that is away shows in nidus_dependency_up
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(await this.metrics.text());
  }

  /** Objects waiting and failed per target, from the database: whichever worker tried them. */
  private async deliveryGauges(): Promise<void> {
    const tally = await this.deliveries.tally();
    this.metrics.deliveriesWaiting.reset();
    this.metrics.deliveriesFailed.reset();
    for (const { targetId, state, count } of tally) {
      if (state === 'pending' || state === 'waiting') this.metrics.deliveriesWaiting.inc({ target: targetId }, count);
      if (state === 'failed') this.metrics.deliveriesFailed.set({ target: targetId }, count);
    }
  }
}
