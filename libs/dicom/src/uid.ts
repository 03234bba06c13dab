import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { InvalidUidError } from './dicom.errors';

// UIDs (PS3.5 9.1): digits and dots, at most 64 characters, no component with a leading zero.
const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && UID_PATTERN.test(uid);
}

/** A new UID. Without a root, the UUID-derived form 2.25.<uuid as decimal> (PS3.5 B.2). */
export function generateUid(root?: string): string {
  if (!root) return '2.25.' + BigInt('0x' + randomUUID().replace(/-/g, '')).toString(10);
  if (!isValidUid(root) || root.length > 40) throw new InvalidUidError(`UID root ${root} must be a valid UID of at most 40 characters`);
  const room = 64 - root.length - 1;
  // 128 random bits when they fit, otherwise as many decimal digits as fit.
  let suffix = BigInt('0x' + randomBytes(16).toString('hex')).toString(10);
  if (suffix.length > room) suffix = suffix.slice(0, room);
  suffix = suffix.replace(/^0+/, '') || '1';
  return `${root}.${suffix}`;
}

/**
 * The same UID every time for the same key: a name-based (SHA-1, version 5) UUID as 2.25.<decimal>
 * (PS3.5 B.2), or under a root, the root and decimal digits of the key's hash. Lets a re-run of an
 * analysis make objects with the same UIDs, so nothing is stored or sent twice.
 */
export function deriveUid(key: string, root?: string): string {
  const hash = createHash('sha1').update(`nidus:${key}`).digest();
  if (!root) {
    hash[6] = (hash[6] & 0x0f) | 0x50; // version 5 (RFC 4122 4.3)
    hash[8] = (hash[8] & 0x3f) | 0x80; // variant 10
    return '2.25.' + BigInt('0x' + hash.subarray(0, 16).toString('hex')).toString(10);
  }
  if (!isValidUid(root) || root.length > 40) throw new InvalidUidError(`UID root ${root} must be a valid UID of at most 40 characters`);
  const room = 64 - root.length - 1;
  const digits =
    BigInt('0x' + hash.toString('hex'))
      .toString(10)
      .slice(0, room)
      .replace(/^0+/, '') || '1';
  return `${root}.${digits}`;
}
