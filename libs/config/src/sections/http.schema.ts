import { z } from 'zod';
import { secretSetting } from '../secret-setting';

/** Section `http` of NIDUS_CONFIG: HTTPS, the reverse proxy, and what browsers may do. */
export const httpSectionSchema = z
  .object({
    /** HTTPS on HTTP_PORT: PEM certificate (chain) and key, e.g. { file: /run/secrets/nidus.key } */
    tls: z.object({ cert: secretSetting(), key: secretSetting(), passphrase: secretSetting().optional() }).strict().optional(),
    /**
     * Behind a reverse proxy that terminates TLS: which proxies' X-Forwarded-For / -Proto to believe (Express
     * `trust proxy`: true, a hop count, or addresses / CIDR blocks / loopback, linklocal, uniquelocal). Default none.
     */
    trustProxy: z.union([z.boolean(), z.number().int().min(0).max(10), z.array(z.string().min(1)).min(1)]).default(false),
    /**
     * Host names the gateway answers to (a page reached through another name, e.g. DNS rebinding, is refused).
     * Absent: this machine's loopback names, IP literals, and the hosts of alerts.publicBaseUrl and auth.oidc.redirectUri.
     */
    allowedHosts: z.array(z.string().min(1)).optional(),
    /** origins allowed to call the API from a browser (CORS); empty: none */
    corsOrigins: z.array(z.string().url()).default([]),
  })
  .strict();

export type HttpSection = z.output<typeof httpSectionSchema>;
