import { z } from 'zod';
import { secretSetting } from '../secret-setting';

/** A copy of the audit trail to a syslog collector (an ATNA audit record repository), RFC 5424. */
const syslogSchema = z
  .object({
    /** udp (RFC 5426), tcp (RFC 6587) or tls (RFC 5425) */
    transport: z.enum(['udp', 'tcp', 'tls']).default('tls'),
    host: z.string().min(1),
    /** default 6514 for tls (RFC 5425), 514 otherwise */
    port: z.number().int().min(1).max(65535).optional(),
    /** xml: the DICOM audit message (IHE ITI-20); json: Nidus's event */
    format: z.enum(['xml', 'json']).default('xml'),
    tls: z
      .object({ ca: secretSetting().optional(), cert: secretSetting().optional(), key: secretSetting().optional(), servername: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .transform((s) => ({ ...s, port: s.port ?? (s.transport === 'tls' ? 6514 : 514) }));

/** Section `audit` of NIDUS_CONFIG. The trail itself is always the database's append-only table. */
export const auditSectionSchema = z
  .object({
    /** AuditSourceID of this deployment (default nidus@<host name>) */
    source: z.string().min(1).max(64).optional(),
    /** AuditEnterpriseSiteID (PS3.15 A.5.2) */
    enterpriseSiteId: z.string().min(1).max(64).optional(),
    syslog: syslogSchema.optional(),
  })
  .strict();

export type AuditSection = z.output<typeof auditSectionSchema>;
