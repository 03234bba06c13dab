import * as dicomParser from 'dicom-parser';
import { lookupKeyword, parserKey } from './dictionary';
import { InvalidAttributeError, MissingAttributeError } from './dicom.errors';

type ParserDataSet = dicomParser.DataSet;
type ParserElement = dicomParser.Element;

/**
 * A parsed DICOM dataset, read by keyword (PS3.6). Values are views on the parsed bytes: nothing is copied.
 */
export class DicomDataset {
  constructor(
    readonly raw: ParserDataSet,
    readonly transferSyntaxUID: string,
    readonly littleEndian = true,
  ) {}

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

  /** A text value, trimmed of padding; undefined when absent or empty. Multi-valued text keeps its backslashes. */
  string(keyword: string): string | undefined {
    const e = this.element(keyword);
    if (!e || e.length === 0) return undefined;
    const value = this.raw.string(parserKey(lookupKeyword(keyword).tag));
    return value === undefined || value === '' ? undefined : value.replace(/\0+$/, '').trim() || undefined;
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
    const key = parserKey(lookupKeyword(keyword).tag);
    const vr = this.vr(keyword);
    const read = (size: number, get: (i: number) => number | undefined): number[] => {
      const out: number[] = [];
      for (let i = 0; i < Math.floor(e.length / size); i++) out.push(get(i) as number);
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
        const text = this.raw.string(key) ?? '';
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
    return (e?.items ?? []).filter((item) => item.dataSet).map((item) => new DicomDataset(item.dataSet!, this.transferSyntaxUID, this.littleEndian));
  }

  /** The value bytes of an attribute, as a view (no copy). */
  bytes(keyword: string): Uint8Array | undefined {
    const e = this.element(keyword);
    if (!e) return undefined;
    return this.byteArray.subarray(e.dataOffset, e.dataOffset + e.length);
  }
}
