// The defined terms of Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 Tables C.12-2 to C.12-5, and the
// ISO 2022 escape sequences that designate their code elements (PS3.5 6.1.2.5).
import { iso8859Table, jisX0201Table, type SingleByteTable } from './single-byte-table';

/** A graphic character set that an escape sequence can put into G0 (bytes 0x21-0x7E) or G1 (0xA1-0xFE). */
export type CodeElement =
  | { kind: 'single-byte'; name: string; table: () => SingleByteTable }
  /** two bytes per character, decoded through the EUC form of the set: the bytes with their high bit set */
  | { kind: 'double-byte'; name: string; euc: 'euc-jp' | 'euc-kr' | 'gbk'; /** EUC-JP's single shift 3, for JIS X 0212 */ prefix?: number };

export interface Designation {
  /** the escape sequence after ESC, e.g. '$B' for ESC 02/04 04/02 */
  escape: string;
  element: CodeElement;
}

export interface CharacterSetTerm {
  term: string;
  /** a set used with ISO 2022 code extensions (Tables C.12-3 and C.12-4) */
  extensions: boolean;
  g0?: Designation;
  g1?: Designation;
  /** a set without code extensions decoded value by value (Tables C.12-2 and C.12-5) */
  whole?: { kind: 'table'; table: () => SingleByteTable } | { kind: 'decoder'; label: 'utf-8' | 'gb18030' | 'gbk' };
}

type SingleByteElement = Extract<CodeElement, { kind: 'single-byte' }>;

const ascii: SingleByteElement = { kind: 'single-byte', name: 'ISO-IR 6 (ASCII)', table: () => iso8859Table('latin1') };
const romaji: CodeElement = { kind: 'single-byte', name: 'ISO-IR 14 (JIS X 0201 romaji)', table: jisX0201Table };
const katakana: CodeElement = { kind: 'single-byte', name: 'ISO-IR 13 (JIS X 0201 katakana)', table: jisX0201Table };

/** ISO 8859 parts and TIS 620: term number, WHATWG label, final byte of the G1 escape ESC 02/13 F. */
const ISO_8859: [ir: number, label: string, final: string, name: string][] = [
  [100, 'latin1', 'A', 'Latin alphabet No. 1'],
  [101, 'iso-8859-2', 'B', 'Latin alphabet No. 2'],
  [109, 'iso-8859-3', 'C', 'Latin alphabet No. 3'],
  [110, 'iso-8859-4', 'D', 'Latin alphabet No. 4'],
  [144, 'iso-8859-5', 'L', 'Cyrillic'],
  [127, 'iso-8859-6', 'G', 'Arabic'],
  [126, 'iso-8859-7', 'F', 'Greek'],
  [138, 'iso-8859-8', 'H', 'Hebrew'],
  [148, 'iso-8859-9', 'M', 'Latin alphabet No. 5'],
  [203, 'iso-8859-15', 'b', 'Latin alphabet No. 9'],
  [166, 'windows-874', 'T', 'Thai (TIS 620-2533)'],
];

function build(): CharacterSetTerm[] {
  const terms: CharacterSetTerm[] = [];
  const asciiG0: Designation = { escape: '(B', element: ascii };
  terms.push({ term: 'ISO_IR 6', extensions: false, whole: { kind: 'table', table: ascii.table } });
  terms.push({ term: 'ISO 2022 IR 6', extensions: true, g0: asciiG0 });
  for (const [ir, label, final, name] of ISO_8859) {
    const element: CodeElement = { kind: 'single-byte', name: `ISO-IR ${ir} (${name})`, table: () => iso8859Table(label) };
    terms.push({ term: `ISO_IR ${ir}`, extensions: false, whole: { kind: 'table', table: element.table } });
    terms.push({ term: `ISO 2022 IR ${ir}`, extensions: true, g0: asciiG0, g1: { escape: `-${final}`, element } });
  }
  terms.push({ term: 'ISO_IR 13', extensions: false, whole: { kind: 'table', table: jisX0201Table } });
  terms.push({ term: 'ISO 2022 IR 13', extensions: true, g0: { escape: '(J', element: romaji }, g1: { escape: ')I', element: katakana } });
  terms.push({
    term: 'ISO 2022 IR 87',
    extensions: true,
    g0: { escape: '$B', element: { kind: 'double-byte', name: 'ISO-IR 87 (JIS X 0208)', euc: 'euc-jp' } },
  });
  terms.push({
    term: 'ISO 2022 IR 159',
    extensions: true,
    g0: { escape: '$(D', element: { kind: 'double-byte', name: 'ISO-IR 159 (JIS X 0212)', euc: 'euc-jp', prefix: 0x8f } },
  });
  terms.push({
    term: 'ISO 2022 IR 149',
    extensions: true,
    g1: { escape: '$)C', element: { kind: 'double-byte', name: 'ISO-IR 149 (KS X 1001)', euc: 'euc-kr' } },
  });
  terms.push({ term: 'ISO 2022 IR 58', extensions: true, g1: { escape: '$)A', element: { kind: 'double-byte', name: 'ISO-IR 58 (GB 2312)', euc: 'gbk' } } });
  terms.push({ term: 'ISO_IR 192', extensions: false, whole: { kind: 'decoder', label: 'utf-8' } });
  terms.push({ term: 'GB18030', extensions: false, whole: { kind: 'decoder', label: 'gb18030' } });
  terms.push({ term: 'GBK', extensions: false, whole: { kind: 'decoder', label: 'gbk' } });
  return terms;
}

const TERMS = build();
const byTerm = new Map(TERMS.map((t) => [t.term, t]));

function escapes(): Map<string, { register: 'g0' | 'g1'; designation: Designation }> {
  const map = new Map<string, { register: 'g0' | 'g1'; designation: Designation }>();
  for (const t of TERMS) {
    if (t.g0) map.set(t.g0.escape, { register: 'g0', designation: t.g0 });
    if (t.g1) map.set(t.g1.escape, { register: 'g1', designation: t.g1 });
  }
  // ESC 02/04 04/00: JIS C 6226-1978, the older edition of JIS X 0208, still written by some Japanese systems
  map.set('$@', map.get('$B')!);
  return map;
}

/** Escape sequences (after ESC) to the G0 or G1 designation they make, whichever term declares them. */
export const ESCAPE_SEQUENCES: ReadonlyMap<string, { register: 'g0' | 'g1'; designation: Designation }> = escapes();

export function findCharacterSetTerm(term: string): CharacterSetTerm | undefined {
  return byTerm.get(term);
}

/**
 * The defined term a misspelt value most likely means ('ISO-IR 192', 'iso_ir_100', 'ISO IR 144', 'UTF-8'),
 * or undefined. Only spelling is forgiven, never a different number.
 */
export function correctCharacterSetTerm(value: string): string | undefined {
  const v = value
    .trim()
    .toUpperCase()
    .replace(/[\s_-]+/g, ' ');
  if (v === 'UTF 8' || v === 'UTF8') return 'ISO_IR 192';
  if (v === 'GB 18030') return 'GB18030';
  let m = /^ISO ?2022 ?IR ?(\d+)$/.exec(v);
  if (m && byTerm.has(`ISO 2022 IR ${Number(m[1])}`)) return `ISO 2022 IR ${Number(m[1])}`;
  m = /^ISO ?IR ?(\d+)$/.exec(v);
  if (m && byTerm.has(`ISO_IR ${Number(m[1])}`)) return `ISO_IR ${Number(m[1])}`;
  return byTerm.has(v) ? v : undefined;
}
