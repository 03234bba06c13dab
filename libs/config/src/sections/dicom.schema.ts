import { z } from 'zod';

/** The DIMSE listener's policy (section `dicom` of NIDUS_CONFIG). */
export const dicomSectionSchema = z
  .object({
    /** calling AE titles allowed to associate; empty or absent: any */
    allowedCallingAETitles: z.array(z.string().min(1).max(16)).default([]),
    /** remote hosts (IP addresses) allowed; empty or absent: any */
    allowedHosts: z.array(z.string().min(1)).default([]),
    maxAssociations: z.number().int().min(1).max(1000).default(32),
    /** our maximum PDU length (PS3.8 D.1) */
    maxPduLength: z
      .number()
      .int()
      .min(4096)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024),
    idleTimeoutSeconds: z.number().positive().max(3600).default(60),
  })
  .strict();

export type DicomSection = z.output<typeof dicomSectionSchema>;
