import { InvalidSessionError } from '../auth.errors';
import { CookieSealer } from './sealed-cookie';

const KEY_A = 'correct horse battery staple 0123456789';
const KEY_B = 'another secret of more than thirty-two bytes';

describe(CookieSealer.name, () => {
  const inAnHour = () => new Date(Date.now() + 3600_000);

  it('opens what it sealed, and the sealed value shows nothing of the content', () => {
    const sealer = new CookieSealer([KEY_A]);
    const value = { subject: 'https://idp#u1', name: 'Dr. Ada Lovelace', roles: ['stroke'] };
    const sealed = sealer.seal('session', value, inAnHour());
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('Ada');
    expect(sealer.open('session', sealed)).toEqual(value);
    expect(sealer.seal('session', value, inAnHour())).not.toBe(sealed); // a fresh IV each time
  });

  it('refuses a flipped bit anywhere, a cookie of another purpose, another key and an expired cookie', () => {
    const sealer = new CookieSealer([KEY_A]);
    const sealed = sealer.seal('session', { n: 1 }, inAnHour());
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    for (let i = 0; i < bytes.length; i += 7) {
      const copy = Buffer.from(bytes);
      copy[i] ^= 0x01;
      expect(() => sealer.open('session', `v1.${copy.toString('base64url')}`)).toThrow(InvalidSessionError);
    }
    expect(() => sealer.open('oidc-pending', sealed)).toThrow('cookie was not sealed by this server');
    expect(() => new CookieSealer([KEY_B]).open('session', sealed)).toThrow('cookie was not sealed by this server');
    const short = sealer.seal('session', { n: 1 }, new Date(Date.now() + 1000));
    expect(() => sealer.open('session', short, new Date(Date.now() + 2000))).toThrow('cookie expired');
    for (const junk of ['', 'v1.', 'v2.abc', 'v1.a.b', 'v1.AAAA']) expect(() => sealer.open('session', junk)).toThrow(InvalidSessionError);
  });

  it('rotates: a new first secret seals, the old one still opens', () => {
    const old = new CookieSealer([KEY_A]).seal('session', { n: 2 }, inAnHour());
    const rotated = new CookieSealer([KEY_B, KEY_A]);
    expect(rotated.open('session', old)).toEqual({ n: 2 });
    expect(() => new CookieSealer([KEY_A]).open('session', rotated.seal('session', { n: 3 }, inAnHour()))).toThrow(InvalidSessionError);
  });

  it('refuses short secrets', () => {
    expect(() => new CookieSealer([])).toThrow(RangeError);
    expect(() => new CookieSealer(['short'])).toThrow('at least 32 bytes');
  });
});
