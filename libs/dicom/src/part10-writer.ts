import { deflateRawSync } from 'node:zlib';
import { CharacterSet } from './charset/character-set';
import { formatTag, lookupKeyword } from './dictionary';
import { InvalidAttributeError, UnsupportedTransferSyntaxError } from './dicom.errors';
import { EncodedText } from './encoded-text';
import { findTransferSyntax, TransferSyntaxUIDs } from './transfer-syntax';
import { isValidUid } from './uid';

/** A value for one attribute. Sequences are arrays of nested element maps. */
export type DicomValue =
  | string
  | number
  | readonly (string | number)[]
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | readonly DicomElements[]
  | EncapsulatedFrames
  | EncodedText
  | null;

/**
 * Attributes by keyword (PS3.6); undefined entries are left out, null writes an empty value. Strings are encoded
 * in the SpecificCharacterSet given here (a sequence item's own, else its parent's); EncodedText is written as is.
 */
export interface DicomElements {
  [keyword: string]: DicomValue | undefined;
}

/** Compressed frames for encapsulated Pixel Data (PS3.5 A.4): one fragment per frame, with a Basic Offset Table. */
export class EncapsulatedFrames {
  constructor(readonly frames: readonly Uint8Array[]) {}
}

export interface WriteOptions {
  transferSyntaxUID?: string;
  implementationClassUID?: string;
  implementationVersionName?: string;
  sourceApplicationEntityTitle?: string;
}

/** Nidus's implementation class UID: a UUID-derived UID (PS3.5 B.2), fixed for this implementation. */
export const NIDUS_IMPLEMENTATION_CLASS_UID = '2.25.207443856105931126519467553960592301211';
export const NIDUS_IMPLEMENTATION_VERSION_NAME = 'NIDUS_010';

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const TEXT_PAD_NUL = new Set(['UI']);

class Sink {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function resolveVr(keyword: string, vr: string, value: DicomValue): string {
  // 'lt' in dcmjs's dictionary: US or OW (LUT Data, PS3.3 C.11.1); 'xs': US or SS
  if (vr === 'lt') return value instanceof Int16Array ? 'SS' : ArrayBuffer.isView(value) ? 'OW' : 'US';
  if (!vr.includes('|') && vr !== 'xs' && vr !== 'ox') return vr;
  // Ambiguous VRs (PS3.5 A.1 note): pixel data as OB for 8-bit/encapsulated, OW otherwise; US for US/SS.
  if (keyword === 'PixelData' || vr.startsWith('OB') || vr === 'ox') {
    return value instanceof Uint8Array || value instanceof EncapsulatedFrames || value instanceof Int8Array ? 'OB' : 'OW';
  }
  if (value instanceof Int16Array) return 'SS';
  return vr.split('|')[0] === 'xs' ? 'US' : vr.split('|')[0];
}

function encodeText(keyword: string, vr: string, value: DicomValue, characterSet: CharacterSet): Buffer {
  if (value instanceof EncodedText) {
    const bytes = Buffer.from(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength);
    return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([TEXT_PAD_NUL.has(vr) ? 0 : 0x20])]);
  }
  let text: string;
  if (value === null) text = '';
  else if (Array.isArray(value)) text = value.map((v) => formatScalar(vr, v)).join('\\');
  else if (typeof value === 'string' || typeof value === 'number') text = formatScalar(vr, value);
  else throw new InvalidAttributeError(keyword, `VR ${vr} needs text, not binary`);
  if (vr === 'UI') {
    for (const uid of text.split('\\')) if (uid && !isValidUid(uid)) throw new InvalidAttributeError(keyword, `'${uid}' is not a valid UID`);
  }
  const bytes = characterSet.encode(text, vr, keyword);
  if (bytes.length % 2 === 0) return bytes;
  return Buffer.concat([bytes, Buffer.from([TEXT_PAD_NUL.has(vr) ? 0 : 0x20])]); // PS3.5 6.2: pad to even length
}

function formatScalar(vr: string, v: string | number): string {
  if (typeof v === 'string') return v;
  if (vr === 'IS') return String(Math.round(v));
  if (vr === 'DS') {
    // DS is at most 16 characters (PS3.5 6.2)
    let s = String(v);
    for (let digits = 12; s.length > 16 && digits > 0; digits--) s = String(Number(v.toPrecision(digits)));
    return s;
  }
  return String(v);
}

function encodeBinary(keyword: string, vr: string, value: DicomValue, littleEndian: boolean): Buffer {
  const size: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, OW: 2, OF: 4, OD: 8, OL: 4, OB: 1, UN: 1, AT: 4, OV: 8, SV: 8, UV: 8 };
  const n = size[vr];
  if (value === null) return Buffer.alloc(0);
  if (ArrayBuffer.isView(value)) {
    const view = value as ArrayBufferView & { BYTES_PER_ELEMENT?: number };
    let bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    const elementSize = view.BYTES_PER_ELEMENT ?? 1;
    if (!littleEndian && elementSize > 1) {
      bytes = Buffer.from(bytes);
      if (elementSize === 2) bytes.swap16();
      else if (elementSize === 4) bytes.swap32();
      else if (elementSize === 8) bytes.swap64();
    }
    return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.alloc(1)]);
  }
  const values = (Array.isArray(value) ? value : [value]) as (string | number)[];
  if (!n || vr === 'OB' || vr === 'UN') throw new InvalidAttributeError(keyword, `VR ${vr} needs a typed array`);
  const out = Buffer.alloc(values.length * n);
  values.forEach((raw, i) => {
    const v = Number(raw);
    const o = i * n;
    switch (vr) {
      case 'US':
      case 'OW':
        littleEndian ? out.writeUInt16LE(v, o) : out.writeUInt16BE(v, o);
        break;
      case 'SS':
        littleEndian ? out.writeInt16LE(v, o) : out.writeInt16BE(v, o);
        break;
      case 'UL':
      case 'OL':
        littleEndian ? out.writeUInt32LE(v, o) : out.writeUInt32BE(v, o);
        break;
      case 'SL':
        littleEndian ? out.writeInt32LE(v, o) : out.writeInt32BE(v, o);
        break;
      case 'FL':
      case 'OF':
        littleEndian ? out.writeFloatLE(v, o) : out.writeFloatBE(v, o);
        break;
      case 'FD':
      case 'OD':
        littleEndian ? out.writeDoubleLE(v, o) : out.writeDoubleBE(v, o);
        break;
      case 'AT': {
        const g = v >>> 16,
          e = v & 0xffff;
        if (littleEndian) {
          out.writeUInt16LE(g, o);
          out.writeUInt16LE(e, o + 2);
        } else {
          out.writeUInt16BE(g, o);
          out.writeUInt16BE(e, o + 2);
        }
        break;
      }
      default:
        throw new InvalidAttributeError(keyword, `cannot encode VR ${vr}`);
    }
  });
  return out;
}

function writeHeader(sink: Sink, tag: number, vr: string | null, length: number, littleEndian: boolean): void {
  const g = tag >>> 16,
    e = tag & 0xffff;
  const u16 = (b: Buffer, v: number, o: number) => (littleEndian ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (b: Buffer, v: number, o: number) => (littleEndian ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  if (vr === null) {
    const b = Buffer.alloc(8);
    u16(b, g, 0);
    u16(b, e, 2);
    u32(b, length, 4);
    sink.push(b);
  } else if (LONG_VRS.has(vr)) {
    const b = Buffer.alloc(12);
    u16(b, g, 0);
    u16(b, e, 2);
    b.write(vr, 4, 'latin1');
    u32(b, length, 8);
    sink.push(b);
  } else {
    if (length > 0xffff) throw new InvalidAttributeError(formatTag(tag), `value of VR ${vr} is ${length} bytes, over the 16-bit length limit`);
    const b = Buffer.alloc(8);
    u16(b, g, 0);
    u16(b, e, 2);
    b.write(vr, 4, 'latin1');
    u16(b, length, 6);
    sink.push(b);
  }
}

const UNDEFINED_LENGTH = 0xffffffff;

/** The character set the elements declare, else the one they inherit (PS3.3 C.12.1.1.2). */
function characterSetOf(elements: DicomElements, inherited: CharacterSet | undefined): CharacterSet {
  const declared = elements.SpecificCharacterSet;
  if (declared === undefined) return inherited ?? CharacterSet.of(undefined);
  if (declared instanceof EncodedText) return CharacterSet.of(Buffer.from(declared.bytes).toString('latin1'));
  if (typeof declared === 'string') return CharacterSet.of(declared);
  if (Array.isArray(declared)) return CharacterSet.of((declared as readonly (string | number)[]).map(String));
  return CharacterSet.of(undefined); // null: an empty value, the default repertoire
}

function writeElements(sink: Sink, elements: DicomElements, explicitVR: boolean, littleEndian: boolean, inherited?: CharacterSet): void {
  const characterSet = characterSetOf(elements, inherited);
  const entries = Object.entries(elements)
    .filter(([, v]) => v !== undefined)
    .map(([keyword, value]) => ({ keyword, value: value as DicomValue, entry: lookupKeyword(keyword) }))
    .sort((a, b) => a.entry.tag - b.entry.tag); // PS3.5 7.1: ascending tag order
  for (const { keyword, value, entry } of entries) {
    const vr = resolveVr(keyword, entry.vr, value);
    const headerVr = explicitVR ? vr : null;
    if (vr === 'SQ') {
      const items = (value ?? []) as readonly DicomElements[];
      // defined lengths throughout, so every reader can skip it
      const body = new Sink();
      for (const item of items) {
        const inner = new Sink();
        writeElements(inner, item, explicitVR, littleEndian, characterSet);
        writeHeader(body, 0xfffee000, null, inner.length, littleEndian);
        body.push(inner.concat());
      }
      writeHeader(sink, entry.tag, headerVr, body.length, littleEndian);
      sink.push(body.concat());
    } else if (value instanceof EncapsulatedFrames) {
      // PS3.5 A.4: undefined length, Basic Offset Table item, one fragment per frame, sequence delimiter
      writeHeader(sink, entry.tag, explicitVR ? 'OB' : null, UNDEFINED_LENGTH, littleEndian);
      const offsets = Buffer.alloc(4 * value.frames.length);
      let offset = 0;
      const fragments = value.frames.map((f) =>
        f.length % 2 ? Buffer.concat([Buffer.from(f), Buffer.alloc(1)]) : Buffer.from(f.buffer, f.byteOffset, f.byteLength),
      );
      fragments.forEach((f, i) => {
        offsets.writeUInt32LE(offset, 4 * i);
        offset += 8 + f.length;
      });
      writeHeader(sink, 0xfffee000, null, offsets.length, true);
      sink.push(offsets);
      for (const f of fragments) {
        writeHeader(sink, 0xfffee000, null, f.length, true);
        sink.push(f);
      }
      writeHeader(sink, 0xfffee0dd, null, 0, true);
    } else {
      const isText = !['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'UN', 'AT', 'SV', 'UV'].includes(vr);
      const bytes = isText ? encodeText(keyword, vr, value, characterSet) : encodeBinary(keyword, vr, value, littleEndian);
      writeHeader(sink, entry.tag, headerVr, bytes.length, littleEndian);
      sink.push(bytes);
    }
  }
}

/** Encodes a bare dataset (no preamble or meta) in the given transfer syntax, as DIMSE sends it. */
export function writeDataset(elements: DicomElements, transferSyntaxUID: string = TransferSyntaxUIDs.ExplicitVRLittleEndian): Buffer {
  const syntax = findTransferSyntax(transferSyntaxUID);
  if (!syntax) throw new UnsupportedTransferSyntaxError(transferSyntaxUID, 'transfer syntax for writing');
  const sink = new Sink();
  writeElements(sink, elements, syntax.explicitVR, syntax.littleEndian);
  const body = sink.concat();
  return syntax.deflated ? deflateRawSync(body) : body;
}

/** Builds the File Meta Information group (PS3.10 7.1) for a dataset. */
export function fileMetaElements(elements: DicomElements, options: WriteOptions = {}): DicomElements {
  const sopClass = elements.SOPClassUID;
  const sopInstance = elements.SOPInstanceUID;
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string') {
    throw new InvalidAttributeError('SOPInstanceUID', 'SOPClassUID and SOPInstanceUID are required to write a Part 10 file');
  }
  return {
    FileMetaInformationVersion: new Uint8Array([0, 1]),
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: options.transferSyntaxUID ?? TransferSyntaxUIDs.ExplicitVRLittleEndian,
    ImplementationClassUID: options.implementationClassUID ?? NIDUS_IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: options.implementationVersionName ?? NIDUS_IMPLEMENTATION_VERSION_NAME,
    SourceApplicationEntityTitle: options.sourceApplicationEntityTitle,
  };
}

/** Encodes a Part 10 file: 128-byte preamble, 'DICM', meta in Explicit VR Little Endian, then the dataset. */
export function writePart10(elements: DicomElements, options: WriteOptions = {}): Buffer {
  const transferSyntaxUID = options.transferSyntaxUID ?? TransferSyntaxUIDs.ExplicitVRLittleEndian;
  const metaSink = new Sink();
  writeElements(metaSink, fileMetaElements(elements, options), true, true);
  const meta = metaSink.concat();
  const groupLength = new Sink();
  writeHeader(groupLength, 0x00020000, 'UL', 4, true);
  const gl = Buffer.alloc(4);
  gl.writeUInt32LE(meta.length, 0);
  groupLength.push(gl);
  const dataset = writeDataset(elements, transferSyntaxUID);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength.concat(), meta, dataset]);
}
