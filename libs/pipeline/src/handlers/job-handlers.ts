import { nidusVersion } from '@nidus/config';
import { createAlertHandlers } from '@nidus/delivery';
import { AnalysisRepository, ResultFileStore, ResultObjectRepository, StudyIndexRepository } from '@nidus/persistence';
import { InferenceEngine } from '../analysis/ctp-runner';
import { AppContext } from '../app/app-context';
import { seriesCheckCompleteHandler } from '../ingest/series-check.job';
import { JobHandlers } from '../jobs/job-runner';
import { analysisRunHandler } from './analysis-run.handler';
import { createDeliveryTargets } from './delivery-targets';
import { resultsDeliverHandler } from './results-deliver.handler';

export interface WorkerHandlers {
  handlers: JobHandlers;
  /** releases what the handlers hold (onnxruntime sessions) */
  close: () => Promise<void>;
}

/** The one table binding each job name to its handler (checked at boot by JobRunner). */
export function createJobHandlers(context: AppContext): WorkerHandlers {
  const { config, logger, metrics, db } = context;
  const results = new ResultObjectRepository(db);
  const files = new ResultFileStore(config.dataDir);
  const engine = new InferenceEngine(config.modelsDir);
  const alerts = createAlertHandlers({ db, alerts: config.alerts, logger, metrics, bus: context.alertBus, dataDir: config.dataDir });
  const handlers: JobHandlers = {
    'series.check-complete': seriesCheckCompleteHandler(context),
    'analysis.run': analysisRunHandler({
      config,
      logger,
      metrics,
      results,
      files,
      analyses: new AnalysisRepository(db),
      index: new StudyIndexRepository(db),
      engine,
      version: nidusVersion(),
    }),
    'results.deliver': resultsDeliverHandler({ logger, metrics, results, files, targets: createDeliveryTargets(config) }),
    'alert.evaluate': alerts['alert.evaluate'],
    'alert.escalate': alerts['alert.escalate'],
  };
  return { handlers, close: () => engine.close() };
}
