import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { InvalidSessionError } from '../auth.errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals small JSON values for cookies: AES-256-GCM with a key derived (HKDF-SHA256) from a configured
 * secret, the cookie's purpose bound in as associated data so one cookie cannot stand in for another, and
 * the expiry inside the sealed value. Several secrets: the first seals, all open (rotation).
 */
export class CookieSealer {
  private readonly keys: Buffer[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new RangeError('at least one cookie secret is needed');
    for (const s of secrets) if (Buffer.byteLength(s) < 32) throw new RangeError('a cookie secret must be at least 32 bytes');
    this.keys = secrets.map((s) => Buffer.from(hkdfSync('sha256', s, 'nidus-cookie-v1', 'aes-256-gcm', 32)));
  }

  seal(purpose: string, value: unknown, expiresAt: Date): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const plain = Buffer.from(JSON.stringify({ exp: expiresAt.getTime(), value }), 'utf8');
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${sealed.toString('base64url')}`;
  }

  /** The value sealed for this purpose. Throws InvalidSessionError when tampered, foreign or expired. */
  open<T>(purpose: string, sealed: string, now = new Date()): T {
    const [version, body, extra] = sealed.split('.');
    if (version !== VERSION || !body || extra !== undefined) throw new InvalidSessionError('cookie is not a sealed value');
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES + 1) throw new InvalidSessionError('cookie is too short');
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const data = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    for (const key of this.keys) {
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(purpose, 'utf8'));
        decipher.setAuthTag(tag);
        plain = Buffer.concat([decipher.update(data), decipher.final()]);
      } catch {
        continue;
      }
      const { exp, value } = JSON.parse(plain.toString('utf8')) as { exp: number; value: T };
      if (!(exp > now.getTime())) throw new InvalidSessionError('cookie expired');
      return value;
    }
    throw new InvalidSessionError('cookie was not sealed by this server');
  }
}
