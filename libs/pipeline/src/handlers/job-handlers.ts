import { createAlertHandlers, OperationsNotifier, retryPolicyOf } from '@nidus/delivery';
import type { JobHandlers } from '@nidus/jobs';
import { AnalysisRepository, DeliveryRepository, ResultFileStore, ResultInstanceIndex, ResultObjectRepository, StudyIndexRepository } from '@nidus/persistence';
import type { AppContext } from '@nidus/runtime';
import { analysisRunHandler } from './analysis-run.handler';
import { createDeliveryTargets } from './delivery-targets';
import { resultsDeliverHandler } from './results-deliver.handler';
import { seriesCheckCompleteHandler } from './series-check.handler';
import { studyCheckCompleteHandler } from './study-check.handler';

/** The one table binding each job name to its handler (checked at boot by JobRunner). */
export function createJobHandlers(context: AppContext): JobHandlers {
  const { config, logger, metrics, db } = context;
  const results = new ResultObjectRepository(db);
  const files = new ResultFileStore(config.dataDir);
  const analyses = new AnalysisRepository(db);
  const deliveries = new DeliveryRepository(db);
  const operations = new OperationsNotifier(config.operations, config.alerts.webhook, logger);
  const alerts = createAlertHandlers({
    db,
    alerts: config.alerts,
    analyses: context.analyses.registry,
    logger,
    metrics,
    bus: context.alertBus,
    dataDir: config.dataDir,
    audit: context.security.audit,
    ackLinks: context.security.ackSigner,
    ackLinkTtlSeconds: context.security.ackLinkTtlSeconds,
  });
  return {
    'series.check-complete': seriesCheckCompleteHandler(context),
    'study.check-complete': studyCheckCompleteHandler(context),
    'analysis.run': analysisRunHandler({
      config,
      logger,
      metrics,
      results,
      files,
      analyses,
      deliveries,
      index: new StudyIndexRepository(db),
      resultIndex: new ResultInstanceIndex(db, config.dataDir),
      registry: context.analyses.registry,
      operations,
    }),
    'results.deliver': resultsDeliverHandler({
      logger,
      metrics,
      results,
      deliveries,
      analyses,
      files,
      targets: createDeliveryTargets(config),
      policy: retryPolicyOf(config.delivery),
      operations,
    }),
    'alert.evaluate': alerts['alert.evaluate'],
    'alert.escalate': alerts['alert.escalate'],
  };
}
