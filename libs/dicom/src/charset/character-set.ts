// Specific Character Set (0008,0005): how the bytes of SH, LO, ST, LT, UC, UT and PN values are read and written
// (PS3.3 C.12.1.1.2, PS3.5 6.1.2). Other text VRs hold the default repertoire only.
import { UnencodableTextError } from '../dicom.errors';
import { correctCharacterSetTerm, findCharacterSetTerm, type CharacterSetTerm, type CodeElement } from './character-set-terms';
import {
  ConflictingCharacterSetsWarning,
  InvalidTextBytesWarning,
  MisspeltCharacterSetWarning,
  UnknownCharacterSetWarning,
  UnknownEscapeSequenceWarning,
  type CharacterSetWarning,
} from './character-set.warnings';
import { decodeIso2022, type Iso2022Designations } from './iso2022-text.decoder';
import { iso8859Table, type SingleByteTable } from './single-byte-table';
import { textDecoder } from './text-decoders';

/** VRs whose values are in the Specific Character Set (PS3.5 6.1.2.3); the others are the default repertoire. */
export const CHARACTER_SET_VRS: ReadonlySet<string> = new Set(['SH', 'LO', 'ST', 'LT', 'UC', 'UT', 'PN']);

const ESC = 0x1b;
const ASCII: CodeElement = { kind: 'single-byte', name: 'ISO-IR 6 (ASCII)', table: () => iso8859Table('latin1') };

type Mode =
  | { kind: 'table'; table: () => SingleByteTable; name: string }
  | { kind: 'decoder'; label: 'utf-8' | 'gb18030' | 'gbk'; name: string }
  | { kind: 'iso2022'; initial: Iso2022Designations; fallbackG1?: CodeElement; declared: CharacterSetTerm[] };

function splitValues(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const values = typeof value === 'string' ? value.split('\\') : [...value];
  const trimmed = values.map((v) => v.replace(/\0/g, '').trim());
  while (trimmed.length && trimmed[trimmed.length - 1] === '') trimmed.pop();
  return trimmed;
}

/**
 * The character set of one data set (or sequence item). Unknown terms fall back to ISO 8859-1 with a typed
 * warning in `warnings`, never an exception: a name read with a few wrong letters beats a refused study.
 */
export class CharacterSet {
  private readonly mode: Mode;
  private readonly found: CharacterSetWarning[] = [];

  private constructor(
    /** the values of Specific Character Set as given (value 1 may be empty) */
    readonly values: readonly string[],
    terms: (CharacterSetTerm | undefined)[],
  ) {
    this.mode = this.modeOf(terms);
  }

  /**
   * From the value of Specific Character Set (backslash-separated or as values). Undefined or empty is the default
   * repertoire, whose bytes above 0x7F are read as Latin-1, as pydicom and dcmtk do. Each call gives a fresh
   * instance: its warnings belong to one data set.
   */
  static of(specificCharacterSet: string | readonly string[] | undefined): CharacterSet {
    const values = splitValues(specificCharacterSet);
    if (values.length === 0 || (values.length === 1 && (values[0] === '' || values[0] === 'ISO_IR 6'))) return new CharacterSet([], []);
    const warnings: CharacterSetWarning[] = [];
    const terms = values.map((v) => {
      if (v === '') return undefined;
      const exact = findCharacterSetTerm(v);
      if (exact) return exact;
      const corrected = correctCharacterSetTerm(v);
      if (corrected) {
        warnings.push(new MisspeltCharacterSetWarning(v, corrected));
        return findCharacterSetTerm(corrected);
      }
      warnings.push(new UnknownCharacterSetWarning(v));
      return findCharacterSetTerm('ISO_IR 100');
    });
    const set = new CharacterSet(values, terms);
    set.found.unshift(...warnings);
    return set;
  }

  /** What was odd about the declaration or the bytes read so far (each kind once). */
  get warnings(): readonly CharacterSetWarning[] {
    return this.found;
  }

  /** The value to write as Specific Character Set, backslash-separated; '' for the default repertoire. */
  get specificCharacterSet(): string {
    return this.values.join('\\');
  }

  isDefault(): boolean {
    return this.values.length === 0;
  }

  /** Text of a value of this VR: SH, LO, ST, LT, UC, UT and PN by the character set, the others as ASCII. */
  decode(bytes: Uint8Array, vr: string): string {
    if (!CHARACTER_SET_VRS.has(vr)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const mode = this.mode;
    if (mode.kind === 'decoder') {
      const text = textDecoder(mode.label).decode(bytes);
      if (text.includes('\ufffd') && !hasReplacementCharacter(bytes, mode.label)) this.warn(new InvalidTextBytesWarning(mode.name));
      return text;
    }
    if (mode.kind === 'table' && !bytes.includes(ESC)) {
      const table = mode.table();
      const text = table.decode(bytes);
      if (text.includes('\ufffd')) this.warn(new InvalidTextBytesWarning(mode.name));
      return text;
    }
    // ISO 2022, or escape sequences in a value that declared none (read leniently all the same)
    const initial = mode.kind === 'iso2022' ? mode.initial : { g0: ASCII, g1: { kind: 'single-byte' as const, name: mode.name, table: mode.table } };
    return decodeIso2022(bytes, {
      initial,
      fallbackG1: mode.kind === 'iso2022' ? mode.fallbackG1 : undefined,
      personName: vr === 'PN',
      onUnknownEscape: (escape) => this.warn(new UnknownEscapeSequenceWarning(escape)),
      onInvalidBytes: () => this.warn(new InvalidTextBytesWarning(this.specificCharacterSet)),
    });
  }

  /**
   * Bytes of a text value of this VR, unpadded. UTF-8 encodes everything; the one-byte sets what they hold; ISO 2022
   * sets their ASCII and the one-byte sets they declare; GB18030, GBK and the ISO 2022 multi-byte sets ASCII only.
   * Anything else raises UnencodableTextError: copy such values as bytes (EncodedText) or write ISO_IR 192.
   */
  encode(text: string, vr: string, keyword = ''): Buffer {
    if (!CHARACTER_SET_VRS.has(vr) || isAscii(text)) return latin1(text, keyword, vr);
    const mode = this.mode;
    if (mode.kind === 'decoder') {
      if (mode.label === 'utf-8') return Buffer.from(text, 'utf8');
      throw new UnencodableTextError(keyword, text, mode.name);
    }
    if (mode.kind === 'table') {
      const table = mode.table();
      const out = Buffer.alloc(text.length);
      for (let i = 0; i < text.length; i++) {
        const b = table.byteOf(text.charCodeAt(i));
        if (b === undefined) throw new UnencodableTextError(keyword, text, mode.name);
        out[i] = b;
      }
      return out;
    }
    return encodeIso2022SingleByte(text, vr, keyword, mode, this.specificCharacterSet);
  }

  private warn(warning: CharacterSetWarning): void {
    if (!this.found.some((w) => w.message === warning.message)) this.found.push(warning);
  }

  private modeOf(terms: (CharacterSetTerm | undefined)[]): Mode {
    if (terms.length === 0) return { kind: 'table', table: () => iso8859Table('latin1'), name: 'the default repertoire' };
    const standAlone = terms.filter((t): t is CharacterSetTerm => !!t && t.whole?.kind === 'decoder');
    if (standAlone.length) {
      const used = standAlone[0];
      if (terms.length > 1) this.found.push(new ConflictingCharacterSetsWarning(this.values, used.term));
      const whole = used.whole as { kind: 'decoder'; label: 'utf-8' | 'gb18030' | 'gbk' };
      return { kind: 'decoder', label: whole.label, name: used.term };
    }
    if (terms.length === 1 && terms[0] && !terms[0].extensions) {
      const whole = terms[0].whole as { kind: 'table'; table: () => SingleByteTable };
      return { kind: 'table', table: whole.table, name: terms[0].term };
    }
    // code extensions: a term without them (ISO_IR 100 beside ISO 2022 IR 87) stands for its ISO 2022 form
    const declared = terms.map((t) => (t && !t.extensions ? (findCharacterSetTerm(t.term.replace('ISO_IR', 'ISO 2022 IR')) ?? t) : t));
    const first = declared[0];
    const g0 = first?.g0?.element.kind === 'single-byte' ? first.g0.element : ASCII;
    const g1 = first?.g1?.element;
    const fallbackG1 = declared.find((t) => t?.g1)?.g1?.element;
    return { kind: 'iso2022', initial: { g0, g1 }, fallbackG1, declared: declared.filter((t): t is CharacterSetTerm => !!t) };
  }
}

/** Whether the bytes themselves spell U+FFFD (so its appearance in the text is no decoding failure). */
function hasReplacementCharacter(bytes: Uint8Array, label: string): boolean {
  if (label !== 'utf-8') return false;
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) return true;
  return false;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The default repertoire; bytes 0x80-0xFF are written as Latin-1 for callers that never declared a set (lenient). */
function latin1(text: string, keyword: string, vr: string): Buffer {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) throw new UnencodableTextError(keyword, text, `the default repertoire (VR ${vr})`);
  return Buffer.from(text, 'latin1');
}

/** ISO 2022 with one-byte G1 sets: ESC 02/13 F before a character of another set, ASCII back before each delimiter. */
function encodeIso2022SingleByte(text: string, vr: string, keyword: string, mode: Extract<Mode, { kind: 'iso2022' }>, name: string): Buffer {
  const sets = mode.declared
    .map((t) => t.g1)
    .filter((g): g is NonNullable<CharacterSetTerm['g1']> => !!g && g.element.kind === 'single-byte' && g.escape.startsWith('-'));
  const bytes: number[] = [];
  let active = mode.initial.g1;
  const delimiters = vr === 'PN' ? '\\^=\r\n\t\f' : '\\\r\n\t\f';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      if (delimiters.includes(ch)) active = mode.initial.g1;
      bytes.push(cp);
      continue;
    }
    const inActive = active?.kind === 'single-byte' ? active.table().byteOf(cp) : undefined;
    if (inActive !== undefined && inActive >= 0xa0) {
      bytes.push(inActive);
      continue;
    }
    const set = sets.find((s) => {
      const b = (s.element as Extract<CodeElement, { kind: 'single-byte' }>).table().byteOf(cp);
      return b !== undefined && b >= 0xa0;
    });
    if (!set) throw new UnencodableTextError(keyword, text, name);
    bytes.push(ESC, ...Array.from(set.escape, (c) => c.charCodeAt(0)));
    active = set.element;
    bytes.push((set.element as Extract<CodeElement, { kind: 'single-byte' }>).table().byteOf(cp)!);
  }
  return Buffer.from(bytes);
}
