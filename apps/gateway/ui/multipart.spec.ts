import { firstPart } from './multipart';

const bytes = (...parts: (string | number[])[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

describe(firstPart.name, () => {
  it('cuts the first part out of a multipart/related body, binary bytes and all', () => {
    const payload = [0, 13, 10, 45, 45, 255, 1];
    const body = bytes('--abc\r\nContent-Type: application/octet-stream\r\n\r\n', payload, '\r\n--abc\r\nContent-Type: x\r\n\r\nsecond\r\n--abc--\r\n');
    expect([...firstPart('multipart/related; type="application/octet-stream"; boundary=abc', body)]).toEqual(payload);
    expect([...firstPart('multipart/related; boundary="abc"', body)]).toEqual(payload);
  });

  it('takes a body without boundary as the part, and refuses a broken one', () => {
    expect([...firstPart('application/octet-stream', bytes([1, 2, 3]))]).toEqual([1, 2, 3]);
    expect(() => firstPart('multipart/related; boundary=zzz', bytes('--abc\r\n\r\nx'))).toThrow('boundary');
  });
});
