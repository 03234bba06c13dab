import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SeededRandom, PYDICOM_TEST_FILES } from '@nidus/testing';
import { UnencodableTextError } from '../dicom.errors';
import { EncodedText } from '../encoded-text';
import { readPart10 } from '../part10-reader';
import { writePart10 } from '../part10-writer';
import { generateUid } from '../uid';
import { CharacterSet } from './character-set';
import {
  ConflictingCharacterSetsWarning,
  InvalidTextBytesWarning,
  MisspeltCharacterSetWarning,
  UnknownCharacterSetWarning,
  UnknownEscapeSequenceWarning,
} from './character-set.warnings';

const CHARSET_FILES = join(dirname(PYDICOM_TEST_FILES), 'charset_files');
const ESC = 0x1b;

/** A Part 10 file whose PatientName (and a LO, and a sequence item) hold exactly these bytes. */
function instance(SpecificCharacterSet: string | undefined, name: Uint8Array, extra: Record<string, unknown> = {}): Buffer {
  const cs = CharacterSet.of(SpecificCharacterSet);
  return writePart10({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
    SOPInstanceUID: generateUid(),
    SpecificCharacterSet,
    PatientName: new EncodedText(name, cs, 'PN'),
    InstitutionName: new EncodedText(name, cs, 'LO'),
    ...extra,
  });
}

/** Names from an alphabet given as [first code point, last code point] ranges, seeded so each run sees the same. */
function names(random: SeededRandom, ranges: [number, number][], count: number): string[] {
  const letters = ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)));
  const word = () => Array.from({ length: 2 + Math.floor(random.next() * 7) }, () => random.pick(letters)).join('');
  return Array.from({ length: count }, () => `${word()}^${word()}`);
}

/** One-byte sets whose letters sit at a fixed offset from their Unicode code points (the ISO 8859 code charts). */
const ONE_BYTE: { term: string; ranges: [number, number][]; offset: number }[] = [
  { term: 'ISO_IR 144', ranges: [[0x0410, 0x044f]], offset: 0x0410 - 0xb0 }, // Cyrillic, ISO 8859-5
  {
    term: 'ISO_IR 126',
    ranges: [
      [0x0391, 0x03a1],
      [0x03a3, 0x03a9],
      [0x03b1, 0x03c9],
    ],
    offset: 0x0391 - 0xc1,
  }, // Greek, ISO 8859-7
  { term: 'ISO_IR 138', ranges: [[0x05d0, 0x05ea]], offset: 0x05d0 - 0xe0 }, // Hebrew, ISO 8859-8
  {
    term: 'ISO_IR 127',
    ranges: [
      [0x0621, 0x063a],
      [0x0641, 0x064a],
    ],
    offset: 0x0621 - 0xc1,
  }, // Arabic, ISO 8859-6
  { term: 'ISO_IR 166', ranges: [[0x0e01, 0x0e2e]], offset: 0x0e01 - 0xa1 }, // Thai, TIS 620
  { term: 'ISO_IR 100', ranges: [[0x00c0, 0x00ff]], offset: 0 }, // Latin-1
];

function oneByte(text: string, offset: number): Uint8Array {
  return Uint8Array.from(text, (c) => (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : c.charCodeAt(0) - offset));
}

describe(CharacterSet.name, () => {
  it.each([
    ['chrArab.dcm', 'قباني^لنزار'],
    ['chrFren.dcm', 'Buc^Jérôme'],
    ['chrGerm.dcm', 'Äneas^Rüdiger'],
    ['chrGreek.dcm', 'Διονυσιος'],
    ['chrH31.dcm', 'Yamada^Tarou=山田^太郎=やまだ^たろう'],
    ['chrH32.dcm', 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう'],
    ['chrHbrw.dcm', 'שרון^דבורה'],
    ['chrI2.dcm', 'Hong^Gildong=洪^吉洞=홍^길동'],
    ['chrJapMulti.dcm', 'やまだ^たろう'],
    ['chrJapMultiExplicitIR6.dcm', 'やまだ^たろう'],
    ['chrKoreanMulti.dcm', '김희중'],
    ['chrRuss.dcm', 'Люкceмбypг'],
    ['chrX1.dcm', 'Wang^XiaoDong=王^小東='],
    ['chrX2.dcm', 'Wang^XiaoDong=王^小东='],
  ])('reads PatientName of %s (D. Clunie character set files) as %s', (file, expected) => {
    const ds = readPart10(readFileSync(join(CHARSET_FILES, file)));
    expect(ds.string('PatientName')).toBe(expected);
    expect(ds.characterSet.warnings).toEqual([]);
    const [Alphabetic, Ideographic, Phonetic] = expected.split('=');
    expect(ds.personNames('PatientName')).toEqual([{ Alphabetic, ...(Ideographic ? { Ideographic } : {}), ...(Phonetic ? { Phonetic } : {}) }]);
  });

  it('reads a sequence item in its own character set, and an item without one in its parent set', () => {
    const read = (file: string) => {
      const ds = readPart10(readFileSync(join(CHARSET_FILES, file)));
      return ds.sequence('RequestedProcedureCodeSequence').map((item) => [item.characterSet.specificCharacterSet, item.string('PatientName')]);
    };
    const japanese = 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう';
    expect(read('chrSQEncoding.dcm')).toEqual([['ISO 2022 IR 13\\ISO 2022 IR 87', japanese]]); // item's own, the data set is UTF-8
    expect(read('chrSQEncoding1.dcm')).toEqual([['ISO 2022 IR 13\\ISO 2022 IR 87', japanese]]); // inherited
  });

  it('reads UTF-8 (ISO_IR 192) names such as Vietnamese ones', () => {
    const random = new SeededRandom(192);
    const vietnamese = ['Trần^Văn Đức', 'Nguyễn^Thị Minh Khai', 'Phạm^Thị Hương', 'Lê^Quang Vũ', 'Đặng^Ngọc Ánh'];
    const generated = names(
      random,
      [
        [0x1ea0, 0x1ef9],
        [0x0041, 0x005a],
      ],
      20,
    );
    for (const name of [...vietnamese, ...generated, '王^小東', 'Ολυμπία^Ζ']) {
      const ds = readPart10(instance('ISO_IR 192', Buffer.from(name, 'utf8')));
      expect(ds.string('PatientName')).toBe(name);
      expect(ds.string('InstitutionName')).toBe(name);
      expect(ds.personNames('PatientName')).toEqual([{ Alphabetic: name }]);
    }
  });

  it.each(ONE_BYTE)('reads one-byte set $term by its code chart', ({ term, ranges, offset }) => {
    const random = new SeededRandom(term.length * 1000 + offset);
    for (const name of names(random, ranges, 25)) {
      const ds = readPart10(instance(term, oneByte(name, offset)));
      expect(ds.string('PatientName')).toBe(name);
      expect(ds.string('InstitutionName')).toBe(name);
    }
  });

  it('reads Japanese in ISO 2022 IR 13 and IR 87: katakana in G1, kanji and kana in G0 after ESC $ B, back with ESC ( J', () => {
    const random = new SeededRandom(87);
    for (let n = 0; n < 20; n++) {
      // JIS X 0208 row 4 holds hiragana U+3041.. at 0x2421.., row 5 katakana U+30A1.. at 0x2521..; JIS X 0201 U+FF61.. at 0xA1..
      const halfWidth = Array.from({ length: 3 + (n % 4) }, () => 0xa6 + Math.floor(random.next() * 50));
      const kana = Array.from({ length: 2 + (n % 5) }, () =>
        random.next() < 0.5 ? [0x24, 0x21 + Math.floor(random.next() * 83)] : [0x25, 0x21 + Math.floor(random.next() * 86)],
      );
      const bytes = [...halfWidth, 0x3d, ESC, 0x24, 0x42, ...kana.flat(), ESC, 0x28, 0x4a];
      const expected =
        String.fromCharCode(...halfWidth.map((b) => 0xff61 + b - 0xa1)) +
        '=' +
        kana.map(([row, cell]) => String.fromCharCode((row === 0x24 ? 0x3041 : 0x30a1) + cell - 0x21)).join('');
      const ds = readPart10(instance('ISO 2022 IR 13\\ISO 2022 IR 87', Uint8Array.from(bytes)));
      expect(ds.string('PatientName')).toBe(expected);
    }
  });

  it('reads two-byte JIS X 0208 characters whose second byte looks like a delimiter (山本^まさこ)', () => {
    // 山 3B/33, 本 4B/5C, ま 24/5E, さ 24/35, こ 24/33 (JIS X 0208 code chart): 05/12 and 05/14 inside characters
    const kanji = [ESC, 0x24, 0x42, 0x3b, 0x33, 0x4b, 0x5c, ESC, 0x28, 0x42];
    const kana = [ESC, 0x24, 0x42, 0x24, 0x5e, 0x24, 0x35, 0x24, 0x33, ESC, 0x28, 0x42];
    const ds = readPart10(instance('\\ISO 2022 IR 87', Uint8Array.from([...Buffer.from('Yamamoto^Masako='), ...kanji, 0x5e, ...kana])));
    expect(ds.string('PatientName')).toBe('Yamamoto^Masako=山本^まさこ');
    expect(ds.strings('PatientName')).toEqual(['Yamamoto^Masako=山本^まさこ']);
  });

  it('reads Korean in ISO 2022 IR 149 (PS3.5 Annex I) and Chinese in GB18030 and GBK (Annex J)', () => {
    // Annex I.2: Hong^Gildong=洪^吉洞=홍^길동, each group designating KS X 1001 into G1 with ESC $ ) C
    const korean = [...Buffer.from('Hong^Gildong=', 'latin1'), ESC, 0x24, 0x29, 0x43, 0xfb, 0xf3, 0x5e, ESC, 0x24, 0x29, 0x43, 0xd1, 0xce, 0xd4, 0xd7, 0x3d];
    const hangul = [ESC, 0x24, 0x29, 0x43, 0xc8, 0xab, 0x5e, ESC, 0x24, 0x29, 0x43, 0xb1, 0xe6, 0xb5, 0xbf];
    expect(readPart10(instance('\\ISO 2022 IR 149', Uint8Array.from([...korean, ...hangul]))).string('PatientName')).toBe('Hong^Gildong=洪^吉洞=홍^길동');
    // Annex J: Wang^XiaoDong=王^小东 in GB18030 (two-byte characters, the same in GBK)
    const chinese = Uint8Array.from([...Buffer.from('Wang^XiaoDong=', 'latin1'), 0xcd, 0xf5, 0x5e, 0xd0, 0xa1, 0xb6, 0xab]);
    expect(readPart10(instance('GB18030', chinese)).string('PatientName')).toBe('Wang^XiaoDong=王^小东');
    expect(readPart10(instance('GBK', chinese)).string('PatientName')).toBe('Wang^XiaoDong=王^小东');
    // GB18030 four-byte form: U+0080 is 81 30 81 30, the first code point of the four-byte range (GB 18030-2005)
    expect(readPart10(instance('GB18030', Uint8Array.from([0x41, 0x81, 0x30, 0x81, 0x30]))).string('PatientName')).toBe('A\u0080');
  });

  it('finds the value delimiter after decoding in GB18030, where 0x5C can be the second byte of a character', () => {
    // 0x81 0x5C is one two-byte GB18030 character (lead 0x81-0xFE, trail 0x40-0xFE): it must not split the value
    const ds = readPart10(instance('GB18030', Uint8Array.from([0x81, 0x5c, 0x5c, 0x41])));
    const values = ds.strings('PatientName');
    expect(values).toHaveLength(2);
    expect([...values[0]]).toHaveLength(1);
    expect(values[0].codePointAt(0)).toBeGreaterThan(0x4e00);
    expect(values[1]).toBe('A');
  });

  it('returns to the sets of value 1 at each PN delimiter (PS3.5 6.1.2.5.3)', () => {
    // Latin-1 in G1 by value 1; ESC - L puts Cyrillic in G1; after '^' 0xE9 is Latin-1 é again, not Cyrillic щ
    const bytes = Uint8Array.from([ESC, 0x2d, 0x4c, 0xbf, 0xd5, 0xe2, 0xe0, 0xde, 0xd2, 0x5e, 0x4a, 0xe9, 0x72, 0xf4, 0x6d, 0x65]);
    const ds = readPart10(instance('ISO 2022 IR 100\\ISO 2022 IR 144', bytes));
    expect(ds.string('PatientName')).toBe('Петров^Jérôme');
    // in LO, '^' is a plain character and Cyrillic stays in G1
    expect(ds.string('InstitutionName')).toBe('Петров^Jщrєme');
  });

  it('falls back to Latin-1 with a typed warning for an unknown set, and reads misspelt terms as meant', () => {
    const unknown = readPart10(instance('ISO_IR 999', Buffer.from('Müller', 'latin1')));
    expect(unknown.string('PatientName')).toBe('Müller');
    expect(unknown.characterSet.warnings).toEqual([expect.any(UnknownCharacterSetWarning)]);
    expect(unknown.characterSet.warnings[0].message).toContain('ISO_IR 999');
    for (const term of ['ISO-IR 192', 'iso_ir_192', 'UTF-8', 'ISO IR 192']) {
      const ds = readPart10(instance(term, Buffer.from('Trần^Văn Đức', 'utf8')));
      expect(ds.string('PatientName')).toBe('Trần^Văn Đức');
      expect(ds.characterSet.warnings).toEqual([expect.any(MisspeltCharacterSetWarning)]);
    }
    const conflicting = CharacterSet.of('ISO_IR 192\\ISO 2022 IR 87');
    expect(conflicting.decode(Buffer.from('Đức', 'utf8'), 'PN')).toBe('Đức');
    expect(conflicting.warnings).toEqual([expect.any(ConflictingCharacterSetsWarning)]);
  });

  it('marks bytes that the set cannot hold and escape sequences it does not know, without throwing', () => {
    const utf8 = CharacterSet.of('ISO_IR 192');
    expect(utf8.decode(Buffer.from('M\xfcller', 'latin1'), 'PN')).toBe('M\ufffdller');
    expect(utf8.warnings).toEqual([expect.any(InvalidTextBytesWarning)]);
    const iso2022 = CharacterSet.of('\\ISO 2022 IR 87');
    expect(iso2022.decode(Uint8Array.from([0x41, ESC, 0x24, 0x29, 0x5a, 0x42]), 'PN')).toBe('AB');
    expect(iso2022.warnings).toEqual([expect.any(UnknownEscapeSequenceWarning)]);
  });

  it('reads the default repertoire and non-charset VRs as ASCII/Latin-1', () => {
    const ds = readPart10(instance(undefined, Buffer.from('Buc^Jérôme', 'latin1'), { Modality: 'CT' }));
    expect(ds.string('PatientName')).toBe('Buc^Jérôme');
    expect(ds.string('Modality')).toBe('CT');
    expect(ds.characterSet.isDefault()).toBe(true);
  });

  describe('encode', () => {
    it('writes strings in the declared set and reads them back the same', () => {
      const random = new SeededRandom(7);
      const cases: [string, string][] = [
        ['ISO_IR 192', 'Trần^Văn Đức'],
        ['ISO_IR 192', '王^小東=おう^しょうとう'],
        ...ONE_BYTE.map(({ term, ranges }): [string, string] => [term, names(random, ranges, 1)[0]]),
        ['ISO 2022 IR 100\\ISO 2022 IR 144', 'Jérôme^Петров'],
        ['GB18030', 'Wang^XiaoDong'],
      ];
      for (const [SpecificCharacterSet, name] of cases) {
        const ds = readPart10(
          writePart10({
            SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
            SOPInstanceUID: generateUid(),
            SpecificCharacterSet,
            PatientName: name,
            StudyDescription: name,
          }),
        );
        expect([SpecificCharacterSet, ds.string('PatientName'), ds.string('StudyDescription')]).toEqual([SpecificCharacterSet, name, name]);
      }
    });

    it('refuses text the set cannot hold with UnencodableTextError', () => {
      const write = (SpecificCharacterSet: string | undefined, PatientName: string) =>
        writePart10({ SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: generateUid(), SpecificCharacterSet, PatientName });
      expect(() => write('ISO_IR 144', 'Trần')).toThrow(UnencodableTextError);
      expect(() => write(undefined, 'Đức')).toThrow(UnencodableTextError);
      expect(() => write('GB18030', '王')).toThrow(/cannot be written in GB18030/);
    });
  });
});
