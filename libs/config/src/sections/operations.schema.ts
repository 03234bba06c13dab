import { z } from 'zod';
import { secretSetting } from '../secret-setting';

/** Events that concern the people who run Nidus, not the clinical teams. */
export const OPERATIONS_EVENTS = ['delivery.failed', 'analysis.failed'] as const;
export type OperationsEvent = (typeof OPERATIONS_EVENTS)[number];

const webhookSchema = z
  .object({
    name: z.string().min(1).max(64),
    url: z.string().url(),
    /** shared secret of the HMAC-SHA256 signature (X-Nidus-Signature), as for alert webhooks */
    secret: secretSetting({ minBytes: 16 }),
    /** the events it receives; default all */
    events: z
      .array(z.enum(OPERATIONS_EVENTS))
      .min(1)
      .default([...OPERATIONS_EVENTS]),
  })
  .strict();
export type OperationsWebhook = z.output<typeof webhookSchema>;

/** Section `operations` of NIDUS_CONFIG: where Nidus reports what it could not do (a result not delivered, an analysis given up). */
export const operationsSectionSchema = z
  .object({
    webhooks: z.array(webhookSchema).default([]),
  })
  .strict();
export type OperationsSection = z.output<typeof operationsSectionSchema>;
