import { z } from 'zod';

/** A rule that sends a complete series to an analysis (section `routes` of NIDUS_CONFIG). Each analysis runs once per series: the first route naming it that matches gives its priority. */
export const routeSchema = z
  .object({
    name: z.string().min(1),
    match: z
      .object({
        Modality: z.array(z.string()).optional(),
        BodyPartExamined: z.array(z.string()).optional(),
        SOPClassUID: z.array(z.string()).optional(),
        /** a regular expression, case-insensitive */
        SeriesDescription: z.string().optional(),
        /** every value listed must be present in ImageType */
        ImageType: z.array(z.string()).optional(),
        minSlices: z.number().int().min(1).optional(),
        maxSlices: z.number().int().min(1).optional(),
        minTimePoints: z.number().int().min(1).optional(),
        /** 1: only series of one time point (not 4D), as findings models take */
        maxTimePoints: z.number().int().min(1).optional(),
        callingAETitle: z.array(z.string()).optional(),
      })
      .strict()
      .default({}),
    /** an installed analysis: `ctp`, or a model id from models/ */
    analysis: z.string().min(1),
    priority: z.enum(['stat', 'routine']).default('routine'),
    /** for a study-level analysis: the role the matching series plays (e.g. `diffusion`, `perfusion`), instead of the role recognised from its headers */
    role: z.string().min(1).optional(),
    /** for a study-level analysis: seconds it waits, once a series it needs is complete, for the others before running on what is there (default: the analysis's own) */
    waitSeconds: z.number().min(0).optional(),
    stableAfterSeconds: z.number().min(0).optional(),
  })
  .strict();

export type Route = z.output<typeof routeSchema>;
