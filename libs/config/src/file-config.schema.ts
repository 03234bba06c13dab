import { z } from 'zod';
import { alertsSectionSchema } from './sections/alerts.schema';
import { deliverySectionSchema } from './sections/delivery.schema';
import { dicomSectionSchema } from './sections/dicom.schema';
import { routeSchema } from './sections/routing.schema';

/** The optional NIDUS_CONFIG file (YAML or JSON). Unknown keys are errors, so typos do not pass silently. */
export const fileConfigSchema = z
  .object({
    dicom: dicomSectionSchema.default({}),
    /** absent: the routes the installed analyses bring (AnalysisRegistry.defaultRoutes) */
    routes: z.array(routeSchema).optional(),
    delivery: deliverySectionSchema.default({}),
    /** alert rules and channels: validated by the alerts section (libs/config/src/sections/alerts.schema.ts) */
    alerts: alertsSectionSchema.default({}),
  })
  .strict();

export type FileConfig = z.output<typeof fileConfigSchema>;
