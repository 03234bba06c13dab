import Bull, { Queue } from 'bull';
import { QueueKey, QUEUES } from './job-names';
import { JobQueue } from './job-queue.repository';
import { LockKeeper } from './lock-keeper';

/**
 * A job whose worker died holds its lock until lockDuration passes; the stalled check (every stalledInterval, and
 * when a worker starts) then hands it to another worker. 8 s + 2 s: a killed worker's job runs again within about
 * 10 s. Live workers renew the lock every lockDuration / 2. An analysis cut off this way is bounded by the database
 * (analysis.interruptions), not by maxStalledCount, which only keeps Bull from failing it first.
 */
export const STALL_SETTINGS = { lockDuration: 8_000, stalledInterval: 2_000, maxStalledCount: 10 } as const;

/**
 * Running jobs' locks are also renewed from a thread (LockKeeper), so an event loop kept busy past lockDuration by
 * a CPU-bound analysis does not hand the job to a second worker; bounded: after 30 min a job's lock is no longer
 * kept, and the stalled check may take it (the database's interruption count bounds it from there).
 */
export const MAX_LOCK_HOLD_MS = 30 * 60_000;

/**
 * Opens the Bull queues on Redis. `prefix` keeps separate deployments (and test runs) apart on one Redis.
 * ioredis reconnects by itself when Redis goes away; health reports it meanwhile.
 */
export function openBullQueues(
  redisUrl: string,
  prefix = 'nidus',
  settings: { lockDuration: number; stalledInterval: number; maxStalledCount: number } = STALL_SETTINGS,
): JobQueue {
  const queues = Object.fromEntries(
    (Object.entries(QUEUES) as [QueueKey, string][]).map(([key, name]) => [key, new Bull(name, redisUrl, { prefix, settings })]),
  ) as Record<QueueKey, Queue>;
  for (const q of Object.values(queues)) q.on('error', () => undefined); // surfaced by health, not by crashing
  return new JobQueue(queues, new LockKeeper(redisUrl, { lockDurationMs: settings.lockDuration, maxHoldMs: MAX_LOCK_HOLD_MS }));
}
