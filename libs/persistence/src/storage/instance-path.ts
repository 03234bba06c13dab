import { join } from 'node:path';

/** The UIDs that place an instance on disk. */
export interface InstanceKey {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  SOPInstanceUID: string;
}

/**
 * A UID as a file name: UIDs are digits and dots (PS3.5 9.1), but what arrives is not trusted. Anything
 * else becomes '_', names that are only dots get a prefix, and the length is bounded.
 */
export function sanitizeUid(uid: string): string {
  let safe = uid
    .trim()
    .replace(/[^0-9A-Za-z.-]/g, '_')
    .slice(0, 96);
  if (safe === '' || /^\.+$/.test(safe)) safe = `_${safe}`;
  return safe;
}

/** `instances/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`, relative to DATA_DIR. */
export function instanceRelativePath(key: InstanceKey): string {
  return join('instances', sanitizeUid(key.StudyInstanceUID), sanitizeUid(key.SeriesInstanceUID), `${sanitizeUid(key.SOPInstanceUID)}.dcm`);
}
