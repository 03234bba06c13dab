import { loadConfig } from '@nidus/config';
import { resendDeliveries, toDeliveryView, type DeliveryView } from '@nidus/delivery';
import { openBullQueues, probeRedis } from '@nidus/jobs';
import { DELIVERY_STATUSES, DeliveryFilter, DeliveryRepository, DeliveryStatus, openDatabase } from '@nidus/persistence';

/** A bad argument of `nidus deliveries` (one line, exit 2). */
export class DeliveriesCommandError extends Error {
  override name = 'DeliveriesCommandError';
}

export interface DeliveriesOptions {
  state?: string;
  target?: string;
  study?: string;
  object?: string;
  json?: boolean;
}

function filterOf(options: DeliveriesOptions, defaultState?: DeliveryStatus): DeliveryFilter {
  const state = options.state ?? defaultState;
  if (state !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(state))
    throw new DeliveriesCommandError(`--state: one of ${DELIVERY_STATUSES.join(', ')}, got '${state}'`);
  if (state === 'delivered' && defaultState) throw new DeliveriesCommandError('--state delivered: a delivered object is not sent again');
  return { state: state as DeliveryStatus | undefined, targetId: options.target, StudyInstanceUID: options.study, SOPInstanceUID: options.object };
}

function line(d: DeliveryView): string {
  return [d.state, d.targetId, d.SOPInstanceUID, d.StudyInstanceUID, String(d.attempts), d.nextAttemptAt ?? '-', d.lastError ?? '-'].join('\t');
}

function print(rows: DeliveryView[], json: boolean | undefined, out: NodeJS.WritableStream): void {
  if (json) return void out.write(`${JSON.stringify(rows)}\n`);
  out.write(`${['state', 'target', 'SOPInstanceUID', 'StudyInstanceUID', 'tries', 'next try', 'last error'].join('\t')}\n`);
  for (const d of rows) out.write(`${line(d)}\n`);
}

/** `nidus deliveries list [--state S] [--target ID] [--study UID] [--object UID]`: the database of DATABASE_URL / DATA_DIR. */
export async function listDeliveries(
  options: DeliveriesOptions,
  env: Record<string, string | undefined>,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const config = loadConfig(env);
  const db = await openDatabase(config.database);
  try {
    print((await new DeliveryRepository(db).list(filterOf(options), 100_000)).map(toDeliveryView), options.json, out);
  } finally {
    await db.destroy();
  }
}

/**
 * `nidus deliveries resend [--state failed] [--target ID] [--study UID] [--object UID]`: a new round of tries for what
 * the filter names (by default every failed delivery), queued on the Redis of REDIS_URL for the workers.
 */
export async function resendDeliveriesCommand(
  options: DeliveriesOptions,
  env: Record<string, string | undefined>,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const config = loadConfig(env);
  const filter = filterOf(options, 'failed');
  await probeRedis(config.redisUrl);
  const db = await openDatabase(config.database);
  const queue = openBullQueues(config.redisUrl, config.redisPrefix);
  try {
    const rows = (await resendDeliveries(new DeliveryRepository(db), queue, filter)).map(toDeliveryView);
    if (options.json) return void out.write(`${JSON.stringify({ resent: rows.length, deliveries: rows })}\n`);
    out.write(`resent ${rows.length} ${rows.length === 1 ? 'delivery' : 'deliveries'}\n`);
    for (const d of rows) out.write(`${line(d)}\n`);
  } finally {
    await queue.close();
    await db.destroy();
  }
}
