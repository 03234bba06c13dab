import { randomBytes, randomUUID } from 'node:crypto';

// UIDs (PS3.5 9.1): digits and dots, at most 64 characters, no component with a leading zero.
const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && UID_PATTERN.test(uid);
}

/** A new UID. Without a root, the UUID-derived form 2.25.<uuid as decimal> (PS3.5 B.2). */
export function generateUid(root?: string): string {
  if (!root) return '2.25.' + BigInt('0x' + randomUUID().replace(/-/g, '')).toString(10);
  if (!isValidUid(root) || root.length > 40) throw new Error(`UID root ${root} must be a valid UID of at most 40 characters`);
  const room = 64 - root.length - 1;
  // 128 random bits when they fit, otherwise as many decimal digits as fit.
  let suffix = BigInt('0x' + randomBytes(16).toString('hex')).toString(10);
  if (suffix.length > room) suffix = suffix.slice(0, room);
  suffix = suffix.replace(/^0+/, '') || '1';
  return `${root}.${suffix}`;
}
