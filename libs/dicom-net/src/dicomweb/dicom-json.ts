import type { DicomDataset } from '@nidus/dicom';
import { lookupTag } from '@nidus/dicom';

// The DICOM JSON Model (PS3.18 Annex F): a data set as { "GGGGEEEE": { vr, Value | BulkDataURI | InlineBinary } }.

export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export type DicomJson = Record<string, DicomJsonAttribute>;

export interface DicomJsonOptions {
  /**
   * where a binary value can be fetched instead of inline: given its tag path (e.g. '7FE00010', or
   * '00540016/0/00181072' inside a sequence) and length; undefined keeps it inline (base64)
   */
  bulkDataUri?: (tag: string, length: number) => string | undefined;
}

interface ParserElement {
  tag: string;
  vr?: string;
  length: number;
  dataOffset: number;
  items?: { dataSet?: ParserDataSet }[];
  fragments?: unknown[];
}

interface ParserDataSet {
  byteArray: Uint8Array;
  elements: Record<string, ParserElement>;
  string(tag: string, index?: number): string | undefined;
  text(tag: string, index?: number): string | undefined;
  uint16(tag: string, index?: number): number | undefined;
  int16(tag: string, index?: number): number | undefined;
  uint32(tag: string, index?: number): number | undefined;
  int32(tag: string, index?: number): number | undefined;
  float(tag: string, index?: number): number | undefined;
  double(tag: string, index?: number): number | undefined;
}

const TEXT_SINGLE = new Set(['LT', 'ST', 'UT', 'UR']);
const TEXT_MULTI = new Set(['AE', 'AS', 'CS', 'DA', 'DT', 'LO', 'SH', 'TM', 'UC', 'UI']);
const BINARY = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const NUMERIC: Record<string, [number, keyof ParserDataSet]> = {
  US: [2, 'uint16'],
  SS: [2, 'int16'],
  UL: [4, 'uint32'],
  SL: [4, 'int32'],
  FL: [4, 'float'],
  FD: [8, 'double'],
};

/** The VR of an element: as read (explicit VR), else from the dictionary (implicit), else UN. */
function vrOf(element: ParserElement, ds: ParserDataSet): string {
  if (element.vr) return element.vr;
  const tag = parseInt(element.tag.slice(1), 16);
  if ((tag >>> 16) % 2 === 1) return 'UN'; // private
  const entry = lookupTag(tag);
  if (!entry) return 'UN';
  const vr = entry.vr.split('|')[0];
  // US or SS (PS3.5 A.1 note): signed when the pixels are (PixelRepresentation 1)
  if (vr === 'xs') return ds.elements.x00280103 && ds.uint16('x00280103') === 1 ? 'SS' : 'US';
  if (vr === 'ox' || vr === 'OB or OW') return 'OW';
  return vr.length === 2 ? vr : 'UN';
}

function personName(value: string): { Alphabetic?: string; Ideographic?: string; Phonetic?: string } {
  const [Alphabetic, Ideographic, Phonetic] = value.split('=');
  const out: Record<string, string> = {};
  if (Alphabetic) out.Alphabetic = Alphabetic;
  if (Ideographic) out.Ideographic = Ideographic;
  if (Phonetic) out.Phonetic = Phonetic;
  return out;
}

/** Text VRs whose bytes follow SpecificCharacterSet (PS3.5 6.1.2.3); the others are ASCII. */
const CHARSET_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UC', 'UT', 'PN']);

/** SpecificCharacterSet defined terms (PS3.3 C.12.1.1.2) to decoders; ISO 2022 code extensions are read as their base set. */
const DECODERS: Record<string, string> = {
  ISO_IR_6: 'latin1',
  ISO_IR_100: 'latin1',
  ISO_IR_101: 'iso-8859-2',
  ISO_IR_109: 'iso-8859-3',
  ISO_IR_110: 'iso-8859-4',
  ISO_IR_144: 'iso-8859-5',
  ISO_IR_127: 'iso-8859-6',
  ISO_IR_126: 'iso-8859-7',
  ISO_IR_138: 'iso-8859-8',
  ISO_IR_148: 'iso-8859-9',
  ISO_IR_166: 'windows-874',
  ISO_IR_13: 'shift_jis',
  ISO_IR_192: 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

function decoderFor(specificCharacterSet: string | undefined): (bytes: Buffer) => string {
  const first =
    (specificCharacterSet ?? '')
      .split('\\')
      .map((v) => v.trim())
      .find(Boolean) ?? '';
  const name = DECODERS[first.replace(/^ISO 2022 /, '').replace(/ /g, '_')] ?? 'latin1';
  if (name === 'latin1') return (b) => b.toString('latin1');
  const decoder = new TextDecoder(name);
  return (b) => decoder.decode(b);
}

function rawText(ds: ParserDataSet, element: ParserElement, decode?: (bytes: Buffer) => string): string {
  const view = ds.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return decode ? decode(bytes) : bytes.toString('latin1');
}

/** The shortest decimal that reads back as the same 32-bit float (FL, OF). */
function float32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function attribute(
  ds: ParserDataSet,
  element: ParserElement,
  options: DicomJsonOptions,
  path: string,
  bigEndian: boolean,
  decode: (bytes: Buffer) => string,
): DicomJsonAttribute {
  const vr = vrOf(element, ds);
  const key = element.tag.slice(1).toUpperCase();
  if (vr === 'SQ' || element.items) {
    const items = (element.items ?? []).map((item, i) => (item.dataSet ? encode(item.dataSet, options, `${path}${key}/${i}/`, bigEndian, decode) : {}));
    return items.length ? { vr: 'SQ', Value: items } : { vr: 'SQ' };
  }
  if (element.fragments || BINARY.has(vr)) {
    const uri = options.bulkDataUri?.(path + key, element.length);
    if (uri) return { vr, BulkDataURI: uri };
    // encapsulated, or beyond the bytes parsed (a header read up to Pixel Data): nothing to inline
    if (element.fragments || element.length === 0xffffffff || element.dataOffset + element.length > ds.byteArray.length) return { vr };
    const view = ds.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    let bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    // InlineBinary is little endian (PS3.18 F.2.7): swap words read from a big endian data set
    const size = { OW: 2, OF: 4, OL: 4, OD: 8, OV: 8 }[vr];
    if (bigEndian && size && bytes.length % size === 0) {
      bytes = Buffer.from(bytes);
      if (size === 2) bytes.swap16();
      else if (size === 4) bytes.swap32();
      else bytes.swap64();
    }
    return element.length ? { vr, InlineBinary: bytes.toString('base64') } : { vr };
  }
  if (element.length === 0) return { vr };
  if (vr in NUMERIC) {
    const [size, read] = NUMERIC[vr];
    const values: number[] = [];
    for (let i = 0; i < Math.floor(element.length / size); i++) values.push((ds[read] as (tag: string, i: number) => number)(element.tag, i));
    return { vr, Value: vr === 'FL' ? values.map(float32) : values };
  }
  if (vr === 'AT') {
    const values: string[] = [];
    for (let i = 0; i < Math.floor(element.length / 4); i++) {
      const g = ds.uint16(element.tag, 2 * i)!;
      const e = ds.uint16(element.tag, 2 * i + 1)!;
      values.push((g.toString(16).padStart(4, '0') + e.toString(16).padStart(4, '0')).toUpperCase());
    }
    return { vr, Value: values };
  }
  const text = rawText(ds, element, CHARSET_VRS.has(vr) ? decode : undefined).replace(/[\0 ]+$/, '');
  if (TEXT_SINGLE.has(vr)) return text ? { vr, Value: [text] } : { vr };
  const parts = text.split('\\').map((v) => v.trim());
  if (vr === 'PN') return { vr, Value: parts.map((p) => (p ? personName(p) : null)) };
  if (vr === 'DS' || vr === 'IS') return { vr, Value: parts.map((p) => (p === '' ? null : Number.isFinite(Number(p)) ? Number(p) : p)) };
  if (TEXT_MULTI.has(vr)) return { vr, Value: parts.map((p) => (p === '' ? null : p)) };
  return { vr, Value: parts };
}

function encode(ds: ParserDataSet, options: DicomJsonOptions, path: string, bigEndian: boolean, inherited?: (bytes: Buffer) => string): DicomJson {
  const out: DicomJson = {};
  // an item may name its own character set (PS3.5 6.1.2.3); else it inherits the data set's
  const charset = ds.elements.x00080005 ? rawText(ds, ds.elements.x00080005) : undefined;
  const decode = charset !== undefined ? decoderFor(charset) : (inherited ?? decoderFor(undefined));
  for (const key of Object.keys(ds.elements).sort()) {
    const element = ds.elements[key];
    const tag = parseInt(key.slice(1), 16);
    const group = tag >>> 16;
    // File Meta (group 0002) and group lengths are not part of the data set (PS3.18 F.2)
    if (group === 0x0002 || (tag & 0xffff) === 0 || group === 0xfffe) continue;
    out[key.slice(1).toUpperCase()] = attribute(ds, element, options, path, bigEndian, decode);
  }
  // the JSON carries Unicode text (PS3.18 F.2): its character set is now UTF-8
  if (out['00080005']) out['00080005'] = { vr: 'CS', Value: ['ISO_IR 192'] };
  return out;
}

/** A data set in the DICOM JSON Model (PS3.18 F.2), binary values inline or as BulkDataURIs. */
export function toDicomJson(dataset: DicomDataset, options: DicomJsonOptions = {}): DicomJson {
  return encode(dataset.raw as unknown as ParserDataSet, options, '', !dataset.littleEndian);
}
