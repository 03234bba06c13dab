import { recoverPendingEscalations } from '@nidus/delivery';
import { JobRunner, type JobHandlers } from '@nidus/jobs';
import { AnalysisRepository, DeliveryRepository } from '@nidus/persistence';
import type { AppContext } from '@nidus/runtime';
import { createJobHandlers } from '../handlers/job-handlers';
import { QueueReconciler, startReconciling } from '../reconcile/queue-reconciler';

export interface RunningWorker {
  close: () => Promise<void>;
}

/**
 * Consumes the queues: binds every job to its one handler (checked here, at boot), then re-arms, from the
 * database, alert escalations that a stopped process left pending, and gives a queue job to every analysis and
 * delivery the database holds unfinished without one: now, and every RECONCILE_INTERVAL_SECONDS.
 */
export async function startWorker(context: AppContext, handlers: JobHandlers = createJobHandlers(context)): Promise<RunningWorker> {
  const runner = new JobRunner(context.queue, context.logger, (name, outcome) => context.metrics.jobs.inc({ name, outcome }));
  runner.start(handlers);
  const recovered = await recoverPendingEscalations({ db: context.db, logger: context.logger, queue: context.queue });
  const reconciler = new QueueReconciler(context.queue, new AnalysisRepository(context.db), new DeliveryRepository(context.db), context.logger);
  const reconciling = startReconciling(reconciler, context.config.reconcileIntervalSeconds, context.logger);
  await reconciling.first;
  context.logger.info(recovered, 'worker consuming queues');
  // closing the queues stops taking jobs and waits for the active ones (Bull); a job cut off by the
  // shutdown timeout goes back to the queue through Bull's stalled-job check
  return {
    close: async () => {
      reconciling.stop();
      await context.queue.close();
    },
  };
}
