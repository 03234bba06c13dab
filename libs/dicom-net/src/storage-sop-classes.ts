import { VERIFICATION_SOP_CLASS } from './dimse-command';

// Which abstract syntaxes are Storage SOP Classes (PS3.4 Annex B.5 Table B.5-1, and the
// non-image storage classes listed with their own service classes).

/** Every image and object Storage SOP Class lives under this root (PS3.4 B.5, PS3.6 Annex A). */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';

/** Storage SOP Classes outside that root (PS3.4 B.5 and Annexes T, U, X, GG, HH...). */
const OTHER_STORAGE_SOP_CLASSES = new Set([
  '1.2.840.10008.5.1.4.38.1', // Hanging Protocol Storage (PS3.4 T)
  '1.2.840.10008.5.1.4.39.1', // Color Palette Storage (PS3.4 X)
  '1.2.840.10008.5.1.4.43.1', // Generic Implant Template Storage
  '1.2.840.10008.5.1.4.44.1', // Implant Assembly Template Storage
  '1.2.840.10008.5.1.4.45.1', // Implant Template Group Storage
  '1.2.840.10008.5.1.4.34.7', // RT Beams Delivery Instruction Storage
  '1.2.840.10008.5.1.4.34.10', // RT Brachy Application Setup Delivery Instruction Storage
  '1.2.840.10008.5.1.1.27', // Stored Print Storage (retired)
  '1.2.840.10008.5.1.1.29', // Hardcopy Grayscale Image Storage (retired)
  '1.2.840.10008.5.1.1.30', // Hardcopy Color Image Storage (retired)
]);

export function isStorageSopClass(uid: string): boolean {
  return (uid.startsWith(STORAGE_ROOT) && uid.length > STORAGE_ROOT.length) || OTHER_STORAGE_SOP_CLASSES.has(uid);
}

export function isVerificationSopClass(uid: string): boolean {
  return uid === VERIFICATION_SOP_CLASS;
}
