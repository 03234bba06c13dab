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
    maxAttempts: z.number().int().min(1).max(100).default(8),
    initialBackoffSeconds: z.number().positive().default(2),
    maxBackoffSeconds: z.number().positive().default(300),
  })
  .strict();

export type DeliverySection = z.output<typeof deliverySectionSchema>;
