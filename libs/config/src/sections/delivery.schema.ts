import { z } from 'zod';
import { secretSetting } from '../secret-setting';

const stowTarget = z
  .object({
    id: z.string().min(1),
    type: z.literal('stow-rs'),
    /** DICOMweb base URL; objects go to <url>/studies */
    url: z.string().url(),
    /** the Authorization header value, e.g. `Bearer <token>`; best given by reference ({ env } or { file }) */
    authorization: secretSetting().optional(),
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
    /** DICOM TLS to the peer (PS3.15 B.9): the CA that vouches for it; our certificate and key for mutual TLS */
    tls: z
      .object({
        ca: secretSetting().optional(),
        cert: secretSetting().optional(),
        key: secretSetting().optional(),
        passphrase: secretSetting().optional(),
        /** the name its certificate carries, when not `host` */
        servername: z.string().min(1).optional(),
      })
      .strict()
      .refine((t) => !t.cert === !t.key, { message: 'a client certificate needs its key (and the key its certificate)' })
      .optional(),
  })
  .strict();

export const deliveryTargetSchema = z.discriminatedUnion('type', [stowTarget, cStoreTarget]);
export type DeliveryTarget = z.output<typeof deliveryTargetSchema>;

/** Section `delivery` of NIDUS_CONFIG: where results go, and how hard to try. */
export const deliverySectionSchema = z
  .object({
    targets: z.array(deliveryTargetSchema).default([]),
    // The one retry policy of result delivery (libs/delivery retry-policy.ts): a transient failure is tried again
    // after initialBackoffSeconds x backoffFactor^(n-1), at most maxBackoffSeconds apart, for retryForSeconds
    // from the first failure (and at most maxAttempts tries, when given); a permanent refusal is final.
    /** how long to keep trying after the first failure; default 24 h */
    retryForSeconds: z
      .number()
      .positive()
      .max(30 * 86_400)
      .default(86_400),
    /** a cap on the tries, the first included; default none (retryForSeconds decides) */
    maxAttempts: z.number().int().min(1).max(100_000).optional(),
    initialBackoffSeconds: z.number().positive().default(10),
    maxBackoffSeconds: z.number().positive().default(600),
    backoffFactor: z.number().min(1).max(10).default(2),
    /** spread retries by up to this fraction downwards, so many waiting objects do not return at once */
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .strict()
  .refine((d) => d.maxBackoffSeconds >= d.initialBackoffSeconds, {
    path: ['maxBackoffSeconds'],
    message: 'must be at least initialBackoffSeconds',
  });

export type DeliverySection = z.output<typeof deliverySectionSchema>;
