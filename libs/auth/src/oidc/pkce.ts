import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636 4.1, 4.2): a 43-character verifier from 32 random bytes, and its S256 challenge. */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: pkceChallenge(codeVerifier) };
}

/** BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 4.2. */
export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}
