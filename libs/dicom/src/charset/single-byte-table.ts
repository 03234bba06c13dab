// One-byte character sets (ISO 8859 parts, TIS 620, JIS X 0201) as 256-entry tables, built once from the
// WHATWG decoders that Node's full ICU provides (PS3.3 C.12.1.1.2, Tables C.12-2 and C.12-3).
import { textDecoder } from './text-decoders';

/** A character set of one byte per character: byte -> code point, and back. */
export class SingleByteTable {
  private reverse?: Map<number, number>;

  constructor(
    readonly name: string,
    /** code point of each byte value; 0xfffd where the set has no character */
    readonly codePoints: Uint16Array,
  ) {}

  decode(bytes: Uint8Array): string {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      const chunk = bytes.subarray(i, Math.min(bytes.length, i + 8192));
      out += String.fromCharCode(...Array.from(chunk, (b) => this.codePoints[b]));
    }
    return out;
  }

  /** The byte of one character, or undefined when the set does not hold it. */
  byteOf(codePoint: number): number | undefined {
    if (!this.reverse) {
      this.reverse = new Map();
      for (let b = 255; b >= 0; b--) if (this.codePoints[b] !== 0xfffd) this.reverse.set(this.codePoints[b], b);
    }
    return this.reverse.get(codePoint);
  }
}

const tables = new Map<string, SingleByteTable>();

/**
 * An ISO 8859 part (or TIS 620) by its WHATWG label: ASCII below 0x80, the C1 controls at 0x80-0x9F as ISO 8859
 * defines them (the WHATWG decoders put Windows code page characters there), the part's own characters above.
 */
export function iso8859Table(label: string): SingleByteTable {
  let table = tables.get(label);
  if (!table) {
    const codePoints = new Uint16Array(256);
    for (let b = 0; b < 0xa0; b++) codePoints[b] = b;
    if (label === 'latin1') {
      for (let b = 0xa0; b < 256; b++) codePoints[b] = b;
    } else {
      const decoder = textDecoder(label);
      for (let b = 0xa0; b < 256; b++) {
        const s = decoder.decode(Uint8Array.of(b));
        codePoints[b] = s.length === 1 ? s.charCodeAt(0) : 0xfffd;
      }
    }
    table = new SingleByteTable(label, codePoints);
    tables.set(label, table);
  }
  return table;
}

/**
 * JIS X 0201 (ISO-IR 13 katakana in G1, ISO-IR 14 romaji in G0). Romaji bytes are read as ASCII, as pydicom and
 * dcmtk do: 0x5C stays the value delimiter (PS3.5 6.1.2.3) rather than a yen sign.
 */
export function jisX0201Table(): SingleByteTable {
  let table = tables.get('jis-x-0201');
  if (!table) {
    const codePoints = new Uint16Array(256).fill(0xfffd);
    for (let b = 0; b < 0x80; b++) codePoints[b] = b;
    for (let b = 0xa1; b <= 0xdf; b++) codePoints[b] = 0xff61 + (b - 0xa1); // half-width katakana
    table = new SingleByteTable('jis-x-0201', codePoints);
    tables.set('jis-x-0201', table);
  }
  return table;
}
