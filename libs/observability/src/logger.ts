import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Attributes that identify a person: never logged. UIDs are logged (they are how operators trace a study);
 * patient names, birth dates and IDs are not.
 */
export const PHI_KEYS = [
  'PatientName',
  'PatientBirthDate',
  'PatientID',
  'OtherPatientIDs',
  'PatientAddress',
  'ReferringPhysicianName',
  'authorization',
  'password',
];

/** Structured JSON logs on stderr (stdout is kept for command output). */
export function createLogger(level: string, destination: pino.DestinationStream | number = 2): Logger {
  const paths = PHI_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino(
    {
      level,
      base: { service: 'nidus' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination,
  );
}
