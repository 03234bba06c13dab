import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Metrics } from '@nidus/observability';
import { JobQueue } from '@nidus/jobs';

type Check = 'up' | 'down';

/** Liveness (the process answers) and readiness (database and Redis answer). */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const checks = await this.checks();
    const ready = Object.values(checks).every((c) => c === 'up');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'degraded', live: true, ready, checks });
  }

  @Get('live')
  live(): { live: true } {
    return { live: true };
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    return this.health(res);
  }

  private async checks(): Promise<{ database: Check; redis: Check }> {
    const database = await this.db.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const redis = (await this.queue.healthy()) ? 'up' : 'down';
    this.metrics.dependencyUp.set({ dependency: 'database' }, database === 'up' ? 1 : 0);
    this.metrics.dependencyUp.set({ dependency: 'redis' }, redis === 'up' ? 1 : 0);
    return { database, redis };
  }
}
