export interface CookieAttributes {
  maxAgeSeconds: number;
  /** default true; false only for plain-http development on one machine */
  secure?: boolean;
  /** default Lax: sent on the top-level redirect back from the provider, not on cross-site subrequests */
  sameSite?: 'Lax' | 'Strict';
}

/**
 * A cookie's name: the __Host- prefix (RFC 6265bis 4.1.3.2) when Secure, which binds the cookie to
 * this host and path / so a sibling subdomain cannot plant or overwrite it.
 */
export function cookieName(base: string, secure = true): string {
  return secure ? `__Host-${base}` : base;
}

/** A Set-Cookie value: HttpOnly always, Secure unless told otherwise, Path=/, no Domain. */
export function setCookieHeader(name: string, value: string, attributes: CookieAttributes): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw new RangeError('a cookie value must be a sealed token');
  const parts = [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(attributes.maxAgeSeconds))}`,
    'HttpOnly',
    `SameSite=${attributes.sameSite ?? 'Lax'}`,
  ];
  if (attributes.secure ?? true) parts.push('Secure');
  return parts.join('; ');
}

/** A Set-Cookie value that removes the cookie. */
export function clearCookieHeader(name: string, secure = true): string {
  return [`${name}=`, 'Path=/', 'Max-Age=0', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

/** The value of one cookie in a Cookie request header (RFC 6265 5.4); the first when repeated. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
