import { AlertRepository } from '@nidus/persistence';
import type { JobHandler, JobPayloads, JobQueue } from '@nidus/jobs';
import { AlertDeps, AlertPager } from './alert-pager';

/** The alert jobs' handlers, for the worker's one handler table. */
export type AlertHandlers = { [N in 'alert.evaluate' | 'alert.escalate']: JobHandler<N> };

export function createAlertHandlers(deps: AlertDeps): AlertHandlers {
  const pager = new AlertPager(deps);
  return {
    'alert.evaluate': ({ analysisId }) => pager.evaluate(analysisId),
    'alert.escalate': ({ alertId, level }) => pager.escalate(alertId, level),
  };
}

/**
 * Worker start-up: re-arms, from the database, every escalation still due and every alert whose first page
 * was never recorded. Job ids derive from {alertId, level} (or the analysis), so a job still held in Redis is
 * not added twice; one Redis kept as finished (e.g. failed for good) is replaced. The database's guards
 * keep each step to one page whatever runs.
 */
export async function recoverPendingEscalations(
  deps: Pick<AlertDeps, 'db' | 'logger' | 'now'> & { queue: Pick<JobQueue, 'enqueue' | 'getJob'> },
): Promise<{ escalations: number; unsent: number }> {
  const repo = new AlertRepository(deps.db);
  const now = (deps.now ?? (() => new Date()))();
  const rearm = async <N extends 'alert.evaluate' | 'alert.escalate'>(name: N, payload: JobPayloads[N], delayMs: number) => {
    const id = await deps.queue.enqueue(name, payload, { delayMs, priority: 'stat' });
    const job = await deps.queue.getJob(name, id);
    const state = job ? await job.getState() : 'missing';
    if (job && (state === 'completed' || state === 'failed')) {
      await job.remove();
      await deps.queue.enqueue(name, payload, { delayMs, priority: 'stat' });
    }
  };
  const escalations = (await repo.pendingEscalations()).filter((a) => !a.updatesAlertId);
  for (const alert of escalations) {
    await rearm('alert.escalate', { alertId: alert.id, level: alert.escalationLevel + 1 }, Math.max(0, alert.nextEscalationAt!.getTime() - now.getTime()));
  }
  const unsent = await repo.unsent();
  for (const alert of unsent) await rearm('alert.evaluate', { analysisId: alert.analysisId }, 0);
  if (escalations.length || unsent.length) deps.logger.info({ escalations: escalations.length, unsent: unsent.length }, 'alerts: pending work re-armed');
  return { escalations: escalations.length, unsent: unsent.length };
}
