import { recoverPendingEscalations } from '@nidus/delivery';
import { JobRunner, type JobHandlers } from '@nidus/jobs';
import type { AppContext } from '@nidus/runtime';
import { createJobHandlers } from '../handlers/job-handlers';

export interface RunningWorker {
  close: () => Promise<void>;
}

/**
 * Consumes the queues: binds every job to its one handler (checked here, at boot), then re-arms, from the
 * database, alert escalations that a stopped process left pending.
 */
export async function startWorker(context: AppContext, handlers: JobHandlers = createJobHandlers(context)): Promise<RunningWorker> {
  const runner = new JobRunner(context.queue, context.logger, (name, outcome) => context.metrics.jobs.inc({ name, outcome }));
  runner.start(handlers);
  const recovered = await recoverPendingEscalations({ db: context.db, logger: context.logger, queue: context.queue });
  context.logger.info(recovered, 'worker consuming queues');
  // closing the queues stops taking jobs and waits for the active ones (Bull); a job cut off by the
  // shutdown timeout goes back to the queue through Bull's stalled-job check
  return { close: () => context.queue.close() };
}
