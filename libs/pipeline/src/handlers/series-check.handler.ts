import type { JobHandler } from '@nidus/jobs';
import { AnalysisRepository, InstanceFileStore, StudyIndexRepository } from '@nidus/persistence';
import type { AppContext } from '@nidus/runtime';
import { SeriesCompletion } from '@nidus/series';

/** `series.check-complete`: is the series complete, and which analyses does it go to (libs/series). */
export function seriesCheckCompleteHandler(context: AppContext): JobHandler<'series.check-complete'> {
  const store = new InstanceFileStore({ dataDir: context.config.dataDir, reserveBytes: context.config.diskReserveBytes });
  const completion = new SeriesCompletion(new StudyIndexRepository(context.db), new AnalysisRepository(context.db), {
    routes: context.routes,
    stableAfterSeconds: context.config.stableAfterSeconds,
    instancePath: (relativePath) => store.absolutePath(relativePath),
    analyses: context.analyses.registry,
    logger: context.logger,
  });
  return (payload) => completion.handle(payload);
}
