import type { JobHandler } from '@nidus/jobs';
import { AnalysisRepository, InstanceFileStore, StudyIndexRepository } from '@nidus/persistence';
import type { AppContext } from '@nidus/runtime';
import { StudyCompletion } from '@nidus/series';

/** `study.check-complete`: does the study hold the series a study-level analysis needs (libs/series). */
export function studyCheckCompleteHandler(context: AppContext): JobHandler<'study.check-complete'> {
  const store = new InstanceFileStore({ dataDir: context.config.dataDir, reserveBytes: context.config.diskReserveBytes });
  const completion = new StudyCompletion(new StudyIndexRepository(context.db), new AnalysisRepository(context.db), {
    routes: context.routes,
    instancePath: (relativePath) => store.absolutePath(relativePath),
    analyses: context.analyses.registry,
    logger: context.logger,
  });
  return (payload) => completion.handle(payload);
}
