import { clearCookieHeader, cookieName, readCookie, setCookieHeader } from './cookie-header';

describe(setCookieHeader.name, () => {
  it('sets HttpOnly, Secure, SameSite=Lax and Path=/ with a __Host- name', () => {
    const name = cookieName('nidus_session');
    expect(name).toBe('__Host-nidus_session');
    expect(setCookieHeader(name, 'v1.abc', { maxAgeSeconds: 3600 })).toBe('__Host-nidus_session=v1.abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure');
    expect(setCookieHeader(cookieName('nidus_session', false), 'v1.abc', { maxAgeSeconds: 1.9, secure: false })).toBe(
      'nidus_session=v1.abc; Path=/; Max-Age=1; HttpOnly; SameSite=Lax',
    );
    expect(clearCookieHeader(name)).toBe('__Host-nidus_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure');
  });

  it('refuses values that could inject attributes', () => {
    expect(() => setCookieHeader('n', 'a; Domain=evil.example', { maxAgeSeconds: 1 })).toThrow(RangeError);
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; __Host-nidus_session=v1.x-y_z; b=2', '__Host-nidus_session')).toBe('v1.x-y_z');
    expect(readCookie('a=1;b=2', 'b')).toBe('2');
    expect(readCookie('a=1; a=2', 'a')).toBe('1');
    expect(readCookie('xa=1', 'a')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});
