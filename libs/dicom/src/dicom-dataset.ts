import * as dicomParser from 'dicom-parser';
import { CharacterSet } from './charset/character-set';
import { parsePersonName, type PersonName } from './charset/person-name';
import { lookupKeyword, parserKey } from './dictionary';
import { InvalidAttributeError, MissingAttributeError, TruncatedDicomError } from './dicom.errors';
import { EncodedText, trimText } from './encoded-text';
import { thrownMessage } from './thrown-value';

type ParserDataSet = dicomParser.DataSet;
type ParserElement = dicomParser.Element;

const SPECIFIC_CHARACTER_SET = 'x00080005';

/**
 * A parsed DICOM dataset, read by keyword (PS3.6). Values are views on the parsed bytes: nothing is copied.
 * Text is decoded by the dataset's Specific Character Set (PS3.5 6.1.2); a sequence item without its own
 * inherits its parent's (PS3.3 C.12.1.1.2).
 */
export class DicomDataset {
  private ownCharacterSet?: CharacterSet;

  constructor(
    readonly raw: ParserDataSet,
    readonly transferSyntaxUID: string,
    readonly littleEndian = true,
    private readonly inheritedCharacterSet?: CharacterSet,
  ) {}

  /** The character set of this dataset's text: its own Specific Character Set, else its parent's, else the default. */
  get characterSet(): CharacterSet {
    if (!this.ownCharacterSet) {
      const e = this.raw.elements[SPECIFIC_CHARACTER_SET];
      if (e && this.inBounds(e)) {
        const view = this.byteArray.subarray(e.dataOffset, e.dataOffset + e.length);
        this.ownCharacterSet = CharacterSet.of(Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('latin1'));
      } else {
        this.ownCharacterSet = this.inheritedCharacterSet ?? CharacterSet.of(undefined);
      }
    }
    return this.ownCharacterSet;
  }

  /** The bytes the dataset was parsed from (the whole file for Part 10). */
  get byteArray(): Uint8Array {
    return this.raw.byteArray;
  }

  element(keyword: string): ParserElement | undefined {
    return this.raw.elements[parserKey(lookupKeyword(keyword).tag)];
  }

  elementByTag(tag: number): ParserElement | undefined {
    return this.raw.elements[parserKey(tag)];
  }

  has(keyword: string): boolean {
    const e = this.element(keyword);
    return !!e && (e.length > 0 || !!e.items || !!e.fragments);
  }

  vr(keyword: string): string {
    return this.element(keyword)?.vr ?? lookupKeyword(keyword).vr.split('|')[0];
  }

  /**
   * A text value decoded by the character set (SH, LO, ST, LT, UC, UT, PN; other VRs are ASCII), trimmed of padding;
   * undefined when absent or empty. Multi-valued text keeps its backslashes.
   */
  string(keyword: string): string | undefined {
    const text = this.encodedText(keyword);
    return text ? text.text() || undefined : undefined;
  }

  /** The values of a multi-valued text attribute, each decoded and trimmed (PS3.5 6.4: separated by backslashes). */
  strings(keyword: string): string[] {
    const text = this.encodedText(keyword);
    if (!text) return [];
    const vr = text.vr;
    const decoded = text.characterSet.decode(text.bytes, vr);
    // ST, LT, UT and UR hold one value in which a backslash is a character (PS3.5 6.2)
    const values = vr === 'ST' || vr === 'LT' || vr === 'UT' || vr === 'UR' ? [decoded] : decoded.split('\\');
    return values.map((v) => trimText(v, vr));
  }

  /** Each value of a PN attribute by component group (alphabetic, ideographic, phonetic), decoded. */
  personNames(keyword: string): PersonName[] {
    return this.strings(keyword).map(parsePersonName);
  }

  /**
   * A text value as its bytes in the dataset's character set, with that set: what a copy into another object needs
   * to stay byte for byte the same. Undefined when absent or empty.
   */
  encodedText(keyword: string): EncodedText | undefined {
    const e = this.element(keyword);
    if (!e || e.length === 0) return undefined;
    if (!this.inBounds(e)) throw new TruncatedDicomError(`${keyword} runs past the end of the data (${e.length} bytes at ${e.dataOffset})`);
    // a value read as UN (PS3.5 6.2.2) is still text of its dictionary VR
    const vr = e.vr && e.vr !== 'UN' ? e.vr : lookupKeyword(keyword).vr.split('|')[0];
    return new EncodedText(this.byteArray.subarray(e.dataOffset, e.dataOffset + e.length), this.characterSet, vr);
  }

  requireString(keyword: string, context?: string): string {
    const value = this.string(keyword);
    if (value === undefined) throw new MissingAttributeError(keyword, context);
    return value;
  }

  /** All numeric values of an attribute, whatever its VR (binary or DS/IS text). */
  numbers(keyword: string): number[] {
    const e = this.element(keyword);
    if (!e || e.length === 0) return [];
    if (!this.inBounds(e)) throw new TruncatedDicomError(`${keyword} runs past the end of the data (${e.length} bytes at ${e.dataOffset})`);
    const key = parserKey(lookupKeyword(keyword).tag);
    const vr = this.vr(keyword);
    const read = (size: number, get: (i: number) => number | undefined): number[] => {
      const out: number[] = [];
      try {
        for (let i = 0; i < Math.floor(e.length / size); i++) out.push(get(i) as number);
      } catch (error) {
        // dicom-parser throws strings ('attempt to read past end of buffer')
        throw new InvalidAttributeError(keyword, thrownMessage(error));
      }
      return out;
    };
    switch (vr) {
      case 'US':
        return read(2, (i) => this.raw.uint16(key, i));
      case 'SS':
        return read(2, (i) => this.raw.int16(key, i));
      case 'UL':
        return read(4, (i) => this.raw.uint32(key, i));
      case 'SL':
        return read(4, (i) => this.raw.int32(key, i));
      case 'FL':
        return read(4, (i) => this.raw.float(key, i));
      case 'FD':
        return read(8, (i) => this.raw.double(key, i));
      case 'DS':
      case 'IS': {
        const text = this.encodedText(keyword)!.text();
        return text
          .split('\\')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s) => {
            const n = Number(s);
            if (!Number.isFinite(n)) throw new InvalidAttributeError(keyword, `'${s}' is not a number`);
            return n;
          });
      }
      default:
        throw new InvalidAttributeError(keyword, `VR ${vr} is not numeric`);
    }
  }

  number(keyword: string): number | undefined {
    return this.numbers(keyword)[0];
  }

  requireNumber(keyword: string, context?: string): number {
    const value = this.number(keyword);
    if (value === undefined) throw new MissingAttributeError(keyword, context);
    return value;
  }

  /** Items of a sequence (SQ), each a dataset. */
  sequence(keyword: string): DicomDataset[] {
    const e = this.element(keyword);
    return (e?.items ?? [])
      .filter((item) => item.dataSet)
      .map((item) => new DicomDataset(item.dataSet!, this.transferSyntaxUID, this.littleEndian, this.characterSet));
  }

  private inBounds(e: ParserElement): boolean {
    return e.dataOffset + e.length <= this.byteArray.length;
  }

  /** The value bytes of an attribute, as a view (no copy). */
  bytes(keyword: string): Uint8Array | undefined {
    const e = this.element(keyword);
    if (!e) return undefined;
    return this.byteArray.subarray(e.dataOffset, e.dataOffset + e.length);
  }
}
