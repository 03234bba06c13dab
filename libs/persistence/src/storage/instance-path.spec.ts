import { instanceRelativePath, uidFileName } from './instance-path';

describe(uidFileName.name, () => {
  it('keeps a UID of digits and dots as it is', () => {
    expect(uidFileName('1.2.840.10008.5.1.4.1.1.2')).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(instanceRelativePath({ StudyInstanceUID: '1.2', SeriesInstanceUID: '1.2.3', SOPInstanceUID: '1.2.3.4' })).toBe('instances/1.2/1.2.3/1.2.3.4.dcm');
  });

  it('never gives two UIDs one name, whatever they hold (issue 12: `…_1` and `…+1` shared a file)', () => {
    const uids = [
      '1.2.3_1',
      '1.2.3+1',
      '1.2.3.1',
      '1.2.3 1',
      '..',
      '.',
      '',
      '1.2/../3',
      '1.2\\3',
      'x-312e32',
      '1.2.3_',
      '1.2.3%',
      'é',
      '1.2.3'.repeat(30),
      '1.2.3'.repeat(31),
    ];
    const names = uids.map(uidFileName);
    expect(new Set(names).size).toBe(uids.length);
    for (const name of names) {
      expect(name).toMatch(/^[0-9A-Za-z.-]+$/);
      expect(name).not.toMatch(/^\.+$/);
      expect(name.length).toBeLessThanOrEqual(130);
    }
  });

  it('is one-to-one over many random strings of UID-like characters', () => {
    const seen = new Map<string, string>();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = '0123456789._+-x ';
    for (let i = 0; i < 20_000; i++) {
      const uid = Array.from({ length: 1 + (next() % 12) }, () => alphabet[next() % alphabet.length]).join('');
      const name = uidFileName(uid);
      const before = seen.get(name);
      if (before !== undefined) expect(before).toBe(uid);
      seen.set(name, uid);
    }
  });
});
