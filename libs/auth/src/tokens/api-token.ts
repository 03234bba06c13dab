import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API token starts so: secret scanners (and people) recognise a leaked one. */
export const API_TOKEN_PREFIX = 'nidus_';

/** 32 random bytes, base64url without padding: 43 characters. */
const API_TOKEN_PATTERN = /^nidus_[A-Za-z0-9_-]{43}$/;

/** A new API token: the prefix and 256 random bits. Shown once; only its hash is kept. */
export function generateApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function isWellFormedApiToken(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}

/**
 * The stored form of a token: SHA-256, hex. Not bcrypt or scrypt: those slow hashes protect guessable
 * passwords, while a token carries 256 random bits that no amount of guessing finds; a fast hash also lets
 * the store look the token up by an index on the hash, where a salted slow hash would cost ~100 ms of CPU
 * on every request and a lookup key besides.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time (a mismatch in length is not secret). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** What a listing shows of a token so its owner recognises it: the prefix and four characters. */
export function apiTokenHint(token: string): string {
  return `${token.slice(0, API_TOKEN_PREFIX.length + 4)}…`;
}
