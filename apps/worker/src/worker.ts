import { AppContext, JobHandlers, JobRunner } from '@nidus/pipeline';

export interface RunningWorker {
  close: () => Promise<void>;
}

/** Consumes the queues: binds every job to its one handler (checked here, at boot). No logic of its own. */
export function startWorker(context: AppContext, handlers: JobHandlers): RunningWorker {
  const runner = new JobRunner(context.queue, context.logger, (name, outcome) => context.metrics.jobs.inc({ name, outcome }));
  runner.start(handlers);
  context.logger.info('worker consuming queues');
  return { close: async () => undefined }; // closing the queues (context) lets active jobs finish first
}
