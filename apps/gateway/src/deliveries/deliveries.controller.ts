import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { resendDeliveries, toDeliveryView, type DeliveryView } from '@nidus/delivery';
import { JobQueue } from '@nidus/jobs';
import { DELIVERY_STATUSES, DeliveryFilter, DeliveryRepository, DeliveryStatus } from '@nidus/persistence';
import { parsePaging } from '../paging/paging';
import { RequirePermission } from '../security/require-permission.decorator';

function state(raw: unknown, name: string): DeliveryStatus | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !(DELIVERY_STATUSES as readonly string[]).includes(raw))
    throw new BadRequestException(`${name}: one of ${DELIVERY_STATUSES.join(', ')}`);
  return raw as DeliveryStatus;
}

function text(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 64) throw new BadRequestException(`${name}: a string of at most 64 characters`);
  return raw;
}

function filterOf(source: Record<string, unknown>): DeliveryFilter {
  return {
    state: state(source.state, 'state'),
    targetId: text(source.targetId, 'targetId'),
    StudyInstanceUID: text(source.StudyInstanceUID, 'StudyInstanceUID'),
    SOPInstanceUID: text(source.SOPInstanceUID, 'SOPInstanceUID'),
  };
}

/** Result deliveries: each result object at each target, its state, tries and last error; resend. */
@Controller('api/deliveries')
@RequirePermission('delivery:manage')
export class DeliveriesController {
  constructor(
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  /** `?state=failed&targetId=pacs&StudyInstanceUID=...&limit=100&offset=0` */
  @Get()
  async list(@Query() query: Record<string, string | undefined>): Promise<{ total: number; deliveries: DeliveryView[] }> {
    const { limit, offset } = parsePaging(query.limit, query.offset, { defaultLimit: 100, maxLimit: 1000 });
    const filter = filterOf(query);
    const [total, rows] = await Promise.all([this.deliveries.count(filter), this.deliveries.list(filter, limit, offset)]);
    return { total, deliveries: rows.map(toDeliveryView) };
  }

  /** Body `{ "state": "failed" (default) | "waiting" | "pending", "targetId", "StudyInstanceUID", "SOPInstanceUID" }`: a new round of tries, now. */
  @Post('resend')
  @HttpCode(202)
  async resend(@Body() body: unknown): Promise<{ resent: number; deliveries: DeliveryView[] }> {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) throw new BadRequestException('a JSON object');
    const b = (body ?? {}) as Record<string, unknown>;
    if (b.state === 'delivered') throw new BadRequestException('state: a delivered object is not sent again');
    const rows = await resendDeliveries(this.deliveries, this.queue, filterOf(b));
    return { resent: rows.length, deliveries: rows.map(toDeliveryView) };
  }
}
