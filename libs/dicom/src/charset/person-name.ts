// Person Name (PN) values, already decoded: up to three component groups separated by '=' (alphabetic,
// ideographic, phonetic), each of up to five components separated by '^' (PS3.5 6.2.1).

export interface PersonNameComponents {
  FamilyName: string;
  GivenName: string;
  MiddleName: string;
  NamePrefix: string;
  NameSuffix: string;
}

/** One PN value by component group, as the DICOM JSON model names them (PS3.18 F.2.2); empty groups are left out. */
export interface PersonName {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

export function parsePersonName(value: string): PersonName {
  const [Alphabetic, Ideographic, Phonetic] = value.split('=').map((g) => g.replace(/[\s^]+$/, ''));
  const name: PersonName = {};
  if (Alphabetic) name.Alphabetic = Alphabetic;
  if (Ideographic) name.Ideographic = Ideographic;
  if (Phonetic) name.Phonetic = Phonetic;
  return name;
}

export function personNameComponents(group: string): PersonNameComponents {
  const [FamilyName = '', GivenName = '', MiddleName = '', NamePrefix = '', NameSuffix = ''] = group.split('^').map((c) => c.trim());
  return { FamilyName, GivenName, MiddleName, NamePrefix, NameSuffix };
}

/** Letters that carry no combining mark to strip but are read as a plain Latin letter when people search. */
const FOLDED: Record<string, string> = { đ: 'd', ð: 'd', ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i', þ: 'th' };

/**
 * A key for matching names the way people type them (PS3.18 QIDO-RS fuzzymatching, PS3.4 C.2.2.2.1): compatibility
 * decomposition (half-width katakana to full width), combining marks dropped (but not the kana voiced sound marks,
 * which make other letters), lower case, Vietnamese đ as d. "Trần^Văn Đức" and "TRAN^VAN DUC" have the same key;
 * ideographs are kept as they are.
 */
export function personNameMatchKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/(?![\u3099\u309a])\p{M}/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[đðłøßæœıþ]/g, (c) => FOLDED[c])
    .replace(/\s+/g, ' ')
    .trim();
}
