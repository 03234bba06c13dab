import { isIP } from 'node:net';
import { z } from 'zod';
import { secretSetting } from '../secret-setting';

/** An IP address or a CIDR block (`10.1.0.0/16`, `2001:db8::/48`). */
const addressOrBlock = z.string().refine((entry) => {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}, 'expected an IP address or CIDR block');

/** DICOM TLS on DICOM_TLS_PORT (PS3.15 B.9): certificate, key, and for mutual TLS the CA of the peers' certificates. */
const dicomTlsSchema = z
  .object({
    cert: secretSetting(),
    key: secretSetting(),
    passphrase: secretSetting().optional(),
    /** the CAs whose client certificates are accepted */
    ca: secretSetting().optional(),
    /** refuse a peer without a certificate from `ca` during the handshake */
    requireClientCertificate: z.boolean().default(false),
  })
  .strict()
  .refine((t) => !t.requireClientCertificate || t.ca, { message: 'requireClientCertificate needs the CA of the client certificates (ca)', path: ['ca'] });

/** The DIMSE listener's policy (section `dicom` of NIDUS_CONFIG). */
export const dicomSectionSchema = z
  .object({
    /** calling AE titles allowed to associate; empty or absent: any */
    allowedCallingAETitles: z.array(z.string().min(1).max(16)).default([]),
    /** remote hosts (IP addresses) allowed; empty or absent: any */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** calling AE title -> the addresses or CIDR blocks it may call from (others using that title are rejected) */
    callingAETitleAddresses: z.record(z.string().min(1).max(16), z.array(addressOrBlock).min(1)).default({}),
    /** associations at once, the reserve included (PS3.8 9.3.4: more are rejected transient, local limit exceeded) */
    maxAssociations: z.number().int().min(1).max(1000).default(32),
    /** associations at once per calling AE title; 0: no limit of its own */
    maxAssociationsPerCallingAETitle: z.number().int().min(0).max(1000).default(16),
    /** associations at once per remote address, the reserved AEs exempt; 0: no limit of its own */
    maxAssociationsPerAddress: z.number().int().min(0).max(1000).default(16),
    /** of maxAssociations, the slots only the reserved AEs may take */
    reservedAssociations: z.number().int().min(0).max(1000).default(8),
    /** the AEs the reserve is for; absent: the titles of callingAETitleAddresses and allowedCallingAETitles */
    reservedCallingAETitles: z.array(z.string().min(1).max(16)).optional(),
    /** connections without A-ASSOCIATE-RQ yet; one more closes the oldest of them */
    maxPendingConnections: z.number().int().min(1).max(10_000).default(64),
    /** ARTIM (PS3.8 9.1.5): the A-ASSOCIATE-RQ (and TLS handshake) within this after connecting; release and reject waits */
    artimTimeoutSeconds: z.number().positive().max(600).default(10),
    /** from a PDU's first byte to its last */
    pduTimeoutSeconds: z.number().positive().max(3600).default(30),
    /** our maximum PDU length (PS3.8 D.1) */
    maxPduLength: z
      .number()
      .int()
      .min(4096)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024),
    idleTimeoutSeconds: z.number().positive().max(3600).default(60),
    /** DICOM TLS on DICOM_TLS_PORT, beside the plain port unless `plain` is false */
    tls: dicomTlsSchema.optional(),
    /** whether DICOM_PORT listens in the clear (false: TLS only) */
    plain: z.boolean().default(true),
  })
  .strict()
  .refine((d) => d.reservedAssociations <= d.maxAssociations, {
    message: 'reservedAssociations cannot exceed maxAssociations',
    path: ['reservedAssociations'],
  })
  .refine((d) => d.plain || d.tls, { message: 'plain: false needs dicom.tls (no listener would be left)', path: ['plain'] });

export type DicomSection = z.output<typeof dicomSectionSchema>;
