import { Controller, Get, Inject, Param } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReviewRepository } from '@nidus/persistence';
import { RequirePermission } from '../security/require-permission.decorator';
import { feedbackModelId, ModelFeedback, modelFeedback } from './model-feedback';

/** Model monitoring: how reviewers judged each model version (issue 15). */
@Controller('api/models')
@RequirePermission('model:monitor')
export class ModelFeedbackController {
  private readonly reviews: ReviewRepository;

  constructor(@Inject(DataSource) db: DataSource) {
    this.reviews = new ReviewRepository(db);
  }

  /** Every model (or analysis without a model) that has been reviewed, with its feedback. */
  @Get('feedback')
  async all(): Promise<{ models: ModelFeedback[] }> {
    const reviews = await this.reviews.all();
    const ids = [...new Set(reviews.map(feedbackModelId))].sort();
    return { models: ids.map((id) => modelFeedback(id, reviews)) };
  }

  @Get(':id/feedback')
  async one(@Param('id') id: string): Promise<ModelFeedback> {
    return modelFeedback(id, await this.reviews.forModel(id));
  }
}
