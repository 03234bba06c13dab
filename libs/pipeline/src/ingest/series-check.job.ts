import { AnalysisRepository, InstanceFileStore, StudyIndexRepository } from '@nidus/persistence';
import type { AppContext } from '../app/app-context';
import type { JobHandler } from '../jobs/job-runner';
import { SeriesCompletionHandler } from './series-completion.handler';

/** The `series.check-complete` handler for the job table (handlers/job-handlers.ts). */
export function seriesCheckCompleteHandler(
  context: AppContext,
  options: { modelVersion?: (analysis: string) => string | undefined } = {},
): JobHandler<'series.check-complete'> {
  const store = new InstanceFileStore({ dataDir: context.config.dataDir, reserveBytes: context.config.diskReserveBytes });
  const handler = new SeriesCompletionHandler(new StudyIndexRepository(context.db), new AnalysisRepository(context.db), {
    routes: context.config.routes,
    stableAfterSeconds: context.config.stableAfterSeconds,
    instancePath: (relativePath) => store.absolutePath(relativePath),
    modelVersion: options.modelVersion,
    logger: context.logger,
  });
  return (payload) => handler.handle(payload);
}
