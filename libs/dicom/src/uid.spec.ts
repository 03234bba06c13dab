import { deriveUid, generateUid, isValidUid } from './uid';

describe(generateUid.name, () => {
  it('makes valid, distinct UIDs with and without a root', () => {
    const uids = [generateUid(), generateUid(), generateUid('1.2.826.0.1.3680043.10.999'), generateUid('1.2.3')];
    for (const uid of uids) expect(isValidUid(uid)).toBe(true);
    expect(new Set(uids).size).toBe(4);
    expect(uids[2].startsWith('1.2.826.0.1.3680043.10.999.')).toBe(true);
  });

  it('refuses a root that is not a UID', () => {
    expect(() => generateUid('1.02.3')).toThrow(/UID root/);
  });
});

describe(deriveUid.name, () => {
  it('gives the same valid UID for the same key and different ones for different keys', () => {
    for (const root of [undefined, '1.2.826.0.1.3680043.10.999']) {
      const a = deriveUid('analysis-1:seg', root);
      expect(isValidUid(a)).toBe(true);
      expect(deriveUid('analysis-1:seg', root)).toBe(a);
      expect(deriveUid('analysis-1:sr', root)).not.toBe(a);
    }
    expect(isValidUid('1.2.3.04')).toBe(false);
    expect(isValidUid('1.2.' + '9'.repeat(62))).toBe(false);
  });
});
