import type { ReviewEntity } from '@nidus/persistence';
import { modelFeedback } from './model-feedback';

let n = 0;
function review(over: Partial<ReviewEntity>): ReviewEntity {
  n++;
  return {
    id: `r${n}`,
    analysisId: 'a1',
    StudyInstanceUID: '1',
    SeriesInstanceUID: '2',
    kind: 'ctp',
    analysisVersion: '1.0.0',
    modelId: 'ctp-deconvolution',
    modelVersion: '1.0.0',
    findingKey: 'coreVolumeMl',
    decision: 'accepted',
    analysisValue: 10,
    correction: null,
    comment: null,
    reviewer: 'token:1',
    reviewerName: 'Dr A',
    reviewedAt: new Date(n * 1000),
    ...over,
  };
}

describe(modelFeedback.name, () => {
  it('counts the latest decision per finding, run and reviewer, per model version, with rates', () => {
    const rows = [
      review({ findingKey: 'coreVolumeMl', decision: 'rejected' }),
      review({ findingKey: 'coreVolumeMl', decision: 'accepted' }), // a change of mind: counts instead of the first
      review({ findingKey: 'affectedHemisphere', decision: 'rejected', analysisValue: 'left' }),
      review({ analysisId: 'a2', findingKey: 'coreVolumeMl', decision: 'accepted', reviewer: 'token:2' }),
      review({ analysisId: 'a3', modelVersion: '2.0.0', decision: 'accepted' }),
      review({ modelId: 'other', kind: 'other' }),
    ];
    const feedback = modelFeedback('ctp-deconvolution', rows);
    expect(feedback.versions.map((v) => [v.modelVersion, v.decisions, v.accepted, v.rejected, v.acceptanceRate])).toEqual([
      ['1.0.0', 3, 2, 1, 2 / 3],
      ['2.0.0', 1, 1, 0, 1],
    ]);
    // by analysis id as well
    expect(modelFeedback('ctp', rows).versions).toEqual(feedback.versions.map((v) => ({ ...v, modelId: 'ctp' })));
  });

  it('takes the mean absolute difference of corrected volumes only', () => {
    const rows = [
      review({ analysisId: 'b1', decision: 'corrected', analysisValue: 10, correction: { value: 14, unit: 'mL' } }),
      review({ analysisId: 'b2', decision: 'corrected', analysisValue: 30, correction: { value: 28, unit: 'mL' } }),
      review({ analysisId: 'b3', findingKey: 'affectedHemisphere', decision: 'corrected', analysisValue: 'left', correction: { side: 'right' } }),
    ];
    const [v] = modelFeedback('ctp-deconvolution', rows).versions;
    expect([v.corrected, v.correctedVolumes, v.meanAbsoluteVolumeDifferenceMl]).toEqual([3, 2, 3]);
  });

  it('has no rates before any review', () => {
    expect(modelFeedback('ctp', [])).toEqual({ modelId: 'ctp', versions: [] });
  });
});
