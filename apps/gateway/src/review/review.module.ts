import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Metrics } from '@nidus/observability';
import { InstanceFileStore, ReviewRepository, StudyIndexRepository } from '@nidus/persistence';
import { DisplayStackService } from './display-stack.service';
import { feedbackModelId, modelFeedback } from './model-feedback';
import { ModelFeedbackController } from './model-feedback.controller';
import { ReviewApiController } from './review-api.controller';
import { ReviewPageController } from './review-page.controller';
import { WorklistController } from './worklist.controller';

/**
 * The review page (issue 15): its static page, the worklist, the study view's data, review decisions and model
 * monitoring. Needs NidusCoreModule and IngestModule (the instance files).
 */
@Module({})
export class ReviewModule implements OnModuleInit {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  static register(): DynamicModule {
    return {
      module: ReviewModule,
      controllers: [ReviewPageController, WorklistController, ReviewApiController, ModelFeedbackController],
      providers: [
        {
          provide: DisplayStackService,
          inject: [StudyIndexRepository, InstanceFileStore],
          useFactory: (index: StudyIndexRepository, store: InstanceFileStore) => new DisplayStackService(index, store),
        },
      ],
    };
  }

  /** Model monitoring in Prometheus: acceptance rate and corrected-volume error per model version, read at each scrape. */
  onModuleInit(): void {
    if (this.metrics.registry.getSingleMetric('nidus_model_acceptance_ratio')) return;
    const reviews = new ReviewRepository(this.db);
    const labelNames = ['model', 'version'] as const;
    // one reading of the reviews per scrape, shared by the four gauges
    let pending: Promise<void> | undefined;
    const collect = () =>
      (pending ??= (async () => {
        const all = await reviews.all();
        for (const g of gauges) g.reset();
        for (const id of new Set(all.map(feedbackModelId))) {
          for (const v of modelFeedback(id, all).versions) {
            const labels = { model: id, version: v.modelVersion ?? '' };
            reviewed.set(labels, v.decisions);
            if (v.acceptanceRate !== null) rate.set(labels, v.acceptanceRate);
            if (v.rejectionRate !== null) rejected.set(labels, v.rejectionRate);
            if (v.meanAbsoluteVolumeDifferenceMl !== null) difference.set(labels, v.meanAbsoluteVolumeDifferenceMl);
          }
        }
      })().finally(() => setTimeout(() => (pending = undefined), 0)));
    const registers = [this.metrics.registry];
    const rate = new Gauge({ name: 'nidus_model_acceptance_ratio', help: 'Accepted / reviewed findings per model version', labelNames, registers, collect });
    const rejected = new Gauge({ name: 'nidus_model_rejection_ratio', help: 'Rejected / reviewed findings per model version', labelNames, registers, collect });
    const difference = new Gauge({
      name: 'nidus_model_corrected_volume_mean_absolute_difference_ml',
      help: 'Mean |corrected - analysed| volume (mL) over corrected volumes per model version',
      labelNames,
      registers,
      collect,
    });
    const reviewed = new Gauge({
      name: 'nidus_model_reviewed_findings',
      help: 'Findings reviewed per model version (latest decision each)',
      labelNames,
      registers,
      collect,
    });
    const gauges = [rate, rejected, difference, reviewed];
  }
}
