// Text with ISO 2022 code extensions (PS3.5 6.1.2.5): escape sequences designate character sets into G0
// (bytes 0x21-0x7E) and G1 (0xA1-0xFE); the sets of value 1 of Specific Character Set come back at each delimiter.
import { ESCAPE_SEQUENCES, type CodeElement } from './character-set-terms';
import { textDecoder } from './text-decoders';

export interface Iso2022Designations {
  g0: CodeElement;
  g1?: CodeElement;
}

export interface Iso2022Options {
  /** the sets active at the start of the value and after each delimiter (those of value 1) */
  initial: Iso2022Designations;
  /** G1 set for bytes above 0x7F when no escape sequence designated one (lenient reading of files that omit it) */
  fallbackG1?: CodeElement;
  /** PN: the component (^) and component group (=) delimiters also bring value 1's sets back (PS3.5 6.1.2.5.3) */
  personName: boolean;
  onUnknownEscape(escape: string): void;
  onInvalidBytes(): void;
}

const ESC = 0x1b;
const REPLACEMENT = 0xfffd;
/** Decoded characters gathered as code units, and runs of EUC bytes decoded in one call. */
class TextOutput {
  private parts: string[] = [];
  private units: number[] = [];
  private euc: number[] = [];
  private eucLabel = '';

  char(unit: number): void {
    if (this.euc.length) this.flushEuc();
    this.units.push(unit);
    if (this.units.length >= 8192) this.flushUnits();
  }

  eucBytes(label: string, ...bytes: number[]): void {
    if (this.units.length) this.flushUnits();
    if (label !== this.eucLabel && this.euc.length) this.flushEuc();
    this.eucLabel = label;
    this.euc.push(...bytes);
  }

  text(): string {
    this.flushUnits();
    this.flushEuc();
    return this.parts.join('');
  }

  private flushUnits(): void {
    if (this.units.length) this.parts.push(String.fromCharCode(...this.units));
    this.units = [];
  }

  private flushEuc(): void {
    if (this.euc.length) this.parts.push(textDecoder(this.eucLabel).decode(Uint8Array.from(this.euc)));
    this.euc = [];
  }
}

function isDelimiter(b: number, personName: boolean): boolean {
  // PS3.5 6.1.2.5.3: CR, LF, FF, TAB, the value delimiter, and in PN '^' and '='
  return b === 0x0d || b === 0x0a || b === 0x0c || b === 0x09 || b === 0x5c || (personName && (b === 0x5e || b === 0x3d));
}

export function decodeIso2022(bytes: Uint8Array, options: Iso2022Options): string {
  const out = new TextOutput();
  let { g0, g1 } = options.initial;
  let invalid = false;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b === ESC) {
      // ESC, intermediate bytes 02/00-02/15, final byte 03/00-07/14 (ISO 2022 / ECMA-35)
      let j = i + 1;
      while (j < n && bytes[j] >= 0x20 && bytes[j] <= 0x2f) j++;
      if (j < n && j > i + 1 && bytes[j] >= 0x30 && bytes[j] <= 0x7e) {
        const escape = String.fromCharCode(...bytes.subarray(i + 1, j + 1));
        const found = ESCAPE_SEQUENCES.get(escape);
        if (!found) options.onUnknownEscape(escape);
        else if (found.register === 'g0') g0 = found.designation.element;
        else g1 = found.designation.element;
        i = j + 1;
      } else {
        invalid = true;
        out.char(REPLACEMENT);
        i++;
      }
      continue;
    }
    if (b < 0x80) {
      if (g0.kind === 'double-byte' && b >= 0x21 && b <= 0x7e) {
        const b2 = i + 1 < n ? bytes[i + 1] : -1;
        if (b2 >= 0x21 && b2 <= 0x7e) {
          if (g0.prefix !== undefined) out.eucBytes(g0.euc, g0.prefix, b | 0x80, b2 | 0x80);
          else out.eucBytes(g0.euc, b | 0x80, b2 | 0x80);
          i += 2;
        } else {
          invalid = true;
          out.char(REPLACEMENT);
          i++;
        }
        continue;
      }
      if (isDelimiter(b, options.personName)) ({ g0, g1 } = options.initial);
      out.char(g0.kind === 'single-byte' ? g0.table().codePoints[b] : b);
      i++;
      continue;
    }
    const element = g1 ?? options.fallbackG1;
    if (!element) {
      // no G1 set at all: the default repertoire has none, read as Latin-1 as for text without a character set
      out.char(b);
      i++;
    } else if (element.kind === 'single-byte') {
      const unit = element.table().codePoints[b];
      if (unit === REPLACEMENT) invalid = true;
      out.char(unit);
      i++;
    } else {
      const b2 = i + 1 < n ? bytes[i + 1] : -1;
      if (b >= 0xa1 && b2 >= 0xa1 && b2 <= 0xfe) {
        out.eucBytes(element.euc, b, b2);
        i += 2;
      } else {
        invalid = true;
        out.char(REPLACEMENT);
        i++;
      }
    }
  }
  const text = out.text();
  if (invalid || text.includes('\ufffd')) options.onInvalidBytes();
  return text;
}
