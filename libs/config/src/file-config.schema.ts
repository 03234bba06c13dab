import { z } from 'zod';
import { secretSetting } from './secret-setting';
import { alertsSectionSchema } from './sections/alerts.schema';
import { auditSectionSchema } from './sections/audit.schema';
import { authSectionSchema } from './sections/auth.schema';
import { deliverySectionSchema } from './sections/delivery.schema';
import { dicomSectionSchema } from './sections/dicom.schema';
import { httpSectionSchema } from './sections/http.schema';
import { inferenceSectionSchema } from './sections/inference.schema';
import { operationsSectionSchema } from './sections/operations.schema';
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
    http: httpSectionSchema.default({}),
    /** webhooks of the people who run Nidus: delivery.failed, analysis.failed */
    operations: operationsSectionSchema.default({}),
    /** onnxruntime: intra-op threads, execution providers, concurrent runs, time limits */
    inference: inferenceSectionSchema.default({}),
    /** identities: cookie and acknowledgement link secrets, OIDC, the failure rate limit */
    auth: authSectionSchema.default({}),
    /** the audit trail's source id and its optional syslog copy */
    audit: auditSectionSchema.default({}),
    /** the PostgreSQL password, so DATABASE_URL need not carry it: { env: NAME } or { file: PATH } */
    database: z.object({ password: secretSetting().optional() }).strict().default({}),
  })
  .strict();

export type FileConfig = z.output<typeof fileConfigSchema>;
