import Bull, { Queue } from 'bull';
import { QueueKey, QUEUES } from './job-names';
import { JobQueue } from './job-queue.repository';

/**
 * Opens the Bull queues on Redis. `prefix` keeps separate deployments (and test runs) apart on one Redis.
 * ioredis reconnects by itself when Redis goes away; health reports it meanwhile.
 */
export function openBullQueues(redisUrl: string, prefix = 'nidus'): JobQueue {
  const queues = Object.fromEntries(
    (Object.entries(QUEUES) as [QueueKey, string][]).map(([key, name]) => [
      key,
      new Bull(name, redisUrl, { prefix, settings: { lockDuration: 60_000, stalledInterval: 30_000, maxStalledCount: 2 } }),
    ]),
  ) as Record<QueueKey, Queue>;
  for (const q of Object.values(queues)) q.on('error', () => undefined); // surfaced by health, not by crashing
  return new JobQueue(queues);
}
