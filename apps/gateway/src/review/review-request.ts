import { z } from 'zod';

/** The body of a review decision (POST .../reviews). */
export const ReviewRequestSchema = z
  .object({
    findingKey: z.string().min(1).max(128),
    decision: z.enum(['accepted', 'rejected', 'corrected']),
    correction: z
      .object({
        value: z.number().finite().optional(),
        unit: z.string().max(16).optional(),
        side: z.enum(['left', 'right']).nullable().optional(),
      })
      .strict()
      .optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict()
  .refine((r) => r.decision !== 'corrected' || (r.correction && (r.correction.value !== undefined || r.correction.side !== undefined)), {
    message: 'a correction gives the corrected value or side',
    path: ['correction'],
  });

export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;
