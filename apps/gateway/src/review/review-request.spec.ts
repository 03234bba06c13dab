import { ReviewRequestSchema } from './review-request';

describe('ReviewRequestSchema', () => {
  it('takes accept, reject, and a correction with a value or a side', () => {
    for (const body of [
      { findingKey: 'coreVolumeMl', decision: 'accepted' },
      { findingKey: 'coreVolumeMl', decision: 'rejected', comment: 'motion' },
      { findingKey: 'coreVolumeMl', decision: 'corrected', correction: { value: 12.5 } },
      { findingKey: 'affectedHemisphere', decision: 'corrected', correction: { side: 'right' } },
    ])
      expect(ReviewRequestSchema.safeParse(body).success).toBe(true);
  });

  it('refuses a correction without what it corrects to, unknown decisions and extra fields', () => {
    for (const body of [
      { findingKey: 'coreVolumeMl', decision: 'corrected' },
      { findingKey: 'coreVolumeMl', decision: 'maybe' },
      { findingKey: 'coreVolumeMl', decision: 'accepted', reviewer: 'someone else' },
      { findingKey: '', decision: 'accepted' },
    ])
      expect(ReviewRequestSchema.safeParse(body).success).toBe(false);
  });
});
