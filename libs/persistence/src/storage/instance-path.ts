import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** The UIDs that place an instance on disk. */
export interface InstanceKey {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  SOPInstanceUID: string;
}

const PLAIN_UID = /^[0-9]+(\.[0-9]+)*$/;

/**
 * A UID as a file name, one-to-one: two different UIDs never share a name, whatever a sender puts there. A UID
 * of digits and dots (PS3.5 9.1) is its own name; anything else is spelled out in hex behind `x-` (which no UID
 * starts with), or, when that would be long, named by its SHA-256 behind `h-`.
 */
export function uidFileName(uid: string): string {
  if (uid.length <= 64 && PLAIN_UID.test(uid)) return uid;
  const hex = Buffer.from(uid, 'utf8').toString('hex');
  return hex.length <= 128 ? `x-${hex}` : `h-${createHash('sha256').update(uid, 'utf8').digest('hex')}`;
}

/** `instances/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`, relative to DATA_DIR; injective in the UIDs. */
export function instanceRelativePath(key: InstanceKey): string {
  return join('instances', uidFileName(key.StudyInstanceUID), uidFileName(key.SeriesInstanceUID), `${uidFileName(key.SOPInstanceUID)}.dcm`);
}
