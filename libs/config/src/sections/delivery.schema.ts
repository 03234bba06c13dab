import { z } from 'zod';

const stowTarget = z
  .object({
    id: z.string().min(1),
    type: z.literal('stow-rs'),
    /** DICOMweb base URL; objects go to <url>/studies */
    url: z.string().url(),
    authorization: z.string().optional(),
  })
  .strict();

const cStoreTarget = z
  .object({
    id: z.string().min(1),
    type: z.literal('c-store'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    calledAETitle: z.string().min(1).max(16),
    callingAETitle: z.string().min(1).max(16).optional(),
  })
  .strict();

export const deliveryTargetSchema = z.discriminatedUnion('type', [stowTarget, cStoreTarget]);
export type DeliveryTarget = z.output<typeof deliveryTargetSchema>;

/** Section `delivery` of NIDUS_CONFIG: where results go, and how hard to try. */
export const deliverySectionSchema = z
  .object({
    targets: z.array(deliveryTargetSchema).default([]),
    maxAttempts: z.number().int().min(1).max(100).default(8),
    initialBackoffSeconds: z.number().positive().default(2),
    maxBackoffSeconds: z.number().positive().default(300),
  })
  .strict();

export type DeliverySection = z.output<typeof deliverySectionSchema>;
