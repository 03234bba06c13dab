import { z } from 'zod/v4';

const values = (what: string) => z.array(z.string().min(1)).min(1).describe(what);

/**
 * Which series a model takes, and its default route: the same criteria as a route's `match` in
 * NIDUS_CONFIG (case-insensitive equality, ImageType values all present), plus maxSlices.
 */
export const appliesToSchema = z
  .object({
    Modality: values('Modality (0008,0060) values, one of which the series must have, e.g. ["DX", "CR"]'),
    BodyPartExamined: values('BodyPartExamined (0018,0015) values; absent: any').optional(),
    SOPClassUID: values('SOP Class UIDs; absent: any image storage class').optional(),
    ImageType: values('values that must all be present in ImageType (0008,0008), e.g. ["ORIGINAL"]').optional(),
    SeriesDescription: z.string().min(1).describe('a regular expression, case-insensitive, that SeriesDescription must match').optional(),
    PhotometricInterpretation: values('accepted PhotometricInterpretation values; default MONOCHROME1 and MONOCHROME2').optional(),
    minSlices: z.number().int().min(1).describe('fewest slice positions (slices and volume models)').optional(),
    maxSlices: z.number().int().min(1).describe('most slice positions').optional(),
  })
  .strict()
  .meta({ id: 'AppliesTo', description: 'the series the model takes: its default route' });

export type AppliesTo = z.infer<typeof appliesToSchema>;
