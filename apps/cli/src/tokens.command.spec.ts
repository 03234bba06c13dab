import { parseExpiry, TokenCommandError } from './tokens.command';

describe(parseExpiry.name, () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it.each([
    ['90d', '2030-04-01T00:00:00.000Z'],
    ['12h', '2030-01-01T12:00:00.000Z'],
    ['30m', '2030-01-01T00:30:00.000Z'],
    ['2031-06-30', '2031-06-30T00:00:00.000Z'],
    ['2031-06-30T08:00:00Z', '2031-06-30T08:00:00.000Z'],
  ])('%s', (value, expected) => {
    expect(parseExpiry(value, now).toISOString()).toBe(expected);
  });

  it.each(['soon', '90', '1y', 'June 2031'])('refuses %s', (value) => {
    expect(() => parseExpiry(value, now)).toThrow(TokenCommandError);
  });
});
