import { z } from 'zod';
import { ROLES } from '@nidus/auth';
import { secretSetting } from '../secret-setting';

/** The OpenID Provider people sign in with (libs/auth OidcOptions). */
const oidcSchema = z
  .object({
    /** the issuer identifier, exactly as its discovery document states it */
    issuer: z.string().url(),
    clientId: z.string().min(1),
    /** absent: a public client (PKCE alone) */
    clientSecret: secretSetting().optional(),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']).optional(),
    /** where the provider sends the browser back: https://<gateway>/auth/callback */
    redirectUri: z.string().url(),
    /** the audience bearer access tokens must carry; default the client id */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    scopes: z.array(z.string().min(1)).optional(),
    /** dot path of the claim holding roles or groups (e.g. realm_access.roles) */
    rolesClaim: z.string().min(1).default('roles'),
    /** the provider's role or group names to Nidus roles; absent: claim values that are Nidus role names */
    roleMap: z.record(z.string(), z.enum(ROLES)).optional(),
    clockSkewSeconds: z.number().min(0).max(600).optional(),
    /** how long a page session lasts (default 12 h) */
    sessionMaxAgeSeconds: z
      .number()
      .int()
      .min(300)
      .max(7 * 24 * 3600)
      .optional(),
  })
  .strict();

/** Section `auth` of NIDUS_CONFIG: secrets of cookies and acknowledgement links, OIDC, the failure rate limit. */
export const authSectionSchema = z
  .object({
    /** seal the page's cookies; the first seals, all open (rotation). Absent: a key kept in DATA_DIR/keys */
    cookieSecrets: z
      .array(secretSetting({ minBytes: 32 }))
      .min(1)
      .optional(),
    /** sign acknowledgement links; the first signs, all verify. Absent: a key kept in DATA_DIR/keys */
    ackLinkSecrets: z
      .array(secretSetting({ minBytes: 32 }))
      .min(1)
      .optional(),
    /** how long the acknowledge link of a page works */
    ackLinkTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(12 * 3600),
    oidc: oidcSchema.optional(),
    /** failed sign-ins and token checks per client address: a burst, then so many per minute */
    rateLimit: z
      .object({ burst: z.number().int().min(1).max(10_000).default(10), refillPerMinute: z.number().positive().max(10_000).default(5) })
      .strict()
      .default({}),
  })
  .strict();

export type AuthSection = z.output<typeof authSectionSchema>;
export type OidcSection = z.output<typeof oidcSchema>;
