import { inflateRawSync } from 'node:zlib';
import { findTransferSyntax, lookupTag, TransferSyntaxUIDs, TruncatedDicomError, UnsupportedTransferSyntaxError } from '@nidus/dicom';

// Re-encodes a data set between the uncompressed transfer syntaxes (PS3.5 7.1, A.1-A.3, A.5):
// Implicit VR LE, Explicit VR LE, Explicit VR BE and Deflated in; Explicit or Implicit VR LE out. Values
// are copied (byte-swapped from big endian by VR); sequences and items are written with undefined length;
// group lengths are dropped (their values would no longer hold).

const U = TransferSyntaxUIDs;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const SWAP: Record<string, number> = { US: 2, SS: 2, OW: 2, UL: 4, SL: 4, FL: 4, OF: 4, OL: 4, AT: 2, FD: 8, OD: 8, SV: 8, UV: 8, OV: 8 };
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const UNDEFINED = 0xffffffff;

/** Whether a transfer syntax can be re-encoded here. */
export function isUncompressedSyntax(uid: string): boolean {
  return uid === U.ImplicitVRLittleEndian || uid === U.ExplicitVRLittleEndian || uid === U.ExplicitVRBigEndian || uid === U.DeflatedExplicitVRLittleEndian;
}

interface Source {
  bytes: Buffer;
  explicitVR: boolean;
  littleEndian: boolean;
}

class Out {
  private readonly parts: Buffer[] = [];
  constructor(readonly explicitVR: boolean) {}

  header(tag: number, vr: string, length: number): void {
    if (!this.explicitVR || tag >>> 16 === 0xfffe) {
      const b = Buffer.alloc(8);
      b.writeUInt16LE(tag >>> 16, 0);
      b.writeUInt16LE(tag & 0xffff, 2);
      b.writeUInt32LE(length >>> 0, 4);
      this.parts.push(b);
    } else if (LONG_VRS.has(vr)) {
      const b = Buffer.alloc(12);
      b.writeUInt16LE(tag >>> 16, 0);
      b.writeUInt16LE(tag & 0xffff, 2);
      b.write(vr, 4, 'latin1');
      b.writeUInt32LE(length >>> 0, 8);
      this.parts.push(b);
    } else {
      const b = Buffer.alloc(8);
      b.writeUInt16LE(tag >>> 16, 0);
      b.writeUInt16LE(tag & 0xffff, 2);
      b.write(vr, 4, 'latin1');
      b.writeUInt16LE(length, 6);
      this.parts.push(b);
    }
  }

  value(bytes: Buffer): void {
    this.parts.push(bytes);
  }

  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function implicitVr(tag: number, bitsAllocated: number | undefined, pixelRepresentation: number | undefined): string {
  if ((tag >>> 16) % 2 === 1) {
    const element = tag & 0xffff;
    return element >= 0x0010 && element <= 0x00ff ? 'LO' : 'UN'; // private creators are LO (PS3.5 7.8.1); the rest unknown
  }
  if ((tag & 0xffff) === 0) return 'UL';
  const entry = lookupTag(tag);
  if (!entry) return 'UN';
  const vr = entry.vr.split('|')[0];
  if (vr === 'ox') return bitsAllocated !== undefined && bitsAllocated <= 8 ? 'OB' : 'OW';
  if (vr === 'xs') return pixelRepresentation === 1 ? 'SS' : 'US'; // PS3.5 A.1 note: signed pixels, signed values
  return vr.length === 2 ? vr : 'UN';
}

class Transcoder {
  private offset = 0;
  private bitsAllocated?: number;
  private pixelRepresentation?: number;
  /** explicit VR here: the syntax's, except inside a UN of undefined length (implicit, PS3.5 6.2.2) */
  private explicitVR: boolean;

  constructor(
    private readonly src: Source,
    private readonly out: Out,
  ) {
    this.explicitVR = src.explicitVR;
  }

  private u16(at: number): number {
    return this.src.littleEndian ? this.src.bytes.readUInt16LE(at) : this.src.bytes.readUInt16BE(at);
  }

  private u32(at: number): number {
    return this.src.littleEndian ? this.src.bytes.readUInt32LE(at) : this.src.bytes.readUInt32BE(at);
  }

  private need(n: number): void {
    if (this.offset + n > this.src.bytes.length) throw new TruncatedDicomError(`data set ends inside an element at byte ${this.offset}`);
  }

  /** Elements until `end` (a byte offset) or until the delimiter tag, which is consumed. */
  dataSet(end: number, delimiter?: number): void {
    while (this.offset < end) {
      this.need(4);
      const tag = ((this.u16(this.offset) << 16) | this.u16(this.offset + 2)) >>> 0;
      if (delimiter !== undefined && tag === delimiter) {
        this.offset += 8;
        return;
      }
      this.element(tag);
    }
  }

  private element(tag: number): void {
    const s = this.src;
    const b = s.bytes;
    let vr: string;
    let length: number;
    // item tags carry no VR in any syntax (PS3.5 7.5)
    if (this.explicitVR && tag >>> 16 !== 0xfffe) {
      this.need(8);
      vr = b.toString('latin1', this.offset + 4, this.offset + 6);
      if (LONG_VRS.has(vr) || !/^[A-Z]{2}$/.test(vr)) {
        this.need(12);
        length = this.u32(this.offset + 8);
        this.offset += 12;
      } else {
        length = this.u16(this.offset + 6);
        this.offset += 8;
      }
    } else {
      this.need(8);
      length = this.u32(this.offset + 4);
      this.offset += 8;
      vr = implicitVr(tag, this.bitsAllocated, this.pixelRepresentation);
      if (length === UNDEFINED && vr !== 'OB' && vr !== 'OW') vr = 'SQ'; // an undefined length in implicit VR is a sequence
    }
    if (vr === 'SQ' || (vr === 'UN' && length === UNDEFINED)) {
      const outer = this.explicitVR;
      if (vr === 'UN') this.explicitVR = false;
      this.sequence(tag, length);
      this.explicitVR = outer;
      return;
    }
    if (length === UNDEFINED) throw new UnsupportedTransferSyntaxError('encapsulated pixel data', 'uncompressed data set with');
    this.need(length);
    let value = b.subarray(this.offset, this.offset + length);
    this.offset += length;
    if (tag === 0x00280100 && length >= 2) this.bitsAllocated = this.src.littleEndian ? value.readUInt16LE(0) : value.readUInt16BE(0);
    if (tag === 0x00280103 && length >= 2) this.pixelRepresentation = this.src.littleEndian ? value.readUInt16LE(0) : value.readUInt16BE(0);
    if ((tag & 0xffff) === 0 && tag >>> 16 !== 0xfffe) return; // group length: dropped
    const size = SWAP[vr];
    if (!s.littleEndian && size && length % size === 0) {
      value = Buffer.from(value);
      if (size === 2) value.swap16();
      else if (size === 4) value.swap32();
      else value.swap64();
    }
    // a value too long for a 16-bit length field goes out as UN (PS3.5 6.2.2)
    const outVr = this.out.explicitVR && !LONG_VRS.has(vr) && length > 0xffff ? 'UN' : vr;
    this.out.header(tag, outVr, length);
    this.out.value(value);
  }

  private sequence(tag: number, length: number): void {
    this.out.header(tag, 'SQ', UNDEFINED);
    const end = length === UNDEFINED ? this.src.bytes.length : this.offset + length;
    while (this.offset < end) {
      this.need(8);
      const itemTag = ((this.u16(this.offset) << 16) | this.u16(this.offset + 2)) >>> 0;
      const itemLength = this.u32(this.offset + 4);
      this.offset += 8;
      if (itemTag === SEQUENCE_END) break;
      if (itemTag !== ITEM) throw new TruncatedDicomError(`expected an item in sequence (${(tag >>> 16).toString(16)},${(tag & 0xffff).toString(16)})`);
      this.out.header(ITEM, '', UNDEFINED);
      if (itemLength === UNDEFINED) this.dataSet(this.src.bytes.length, ITEM_END);
      else this.dataSet(this.offset + itemLength);
      this.out.header(ITEM_END, '', 0);
    }
    this.out.header(SEQUENCE_END, '', 0);
  }
}

/** Re-encodes an uncompressed data set into Explicit or Implicit VR Little Endian. */
export function transcodeUncompressed(dataSet: Buffer, fromTransferSyntaxUID: string, toTransferSyntaxUID: string): Buffer {
  if (!isUncompressedSyntax(fromTransferSyntaxUID)) throw new UnsupportedTransferSyntaxError(fromTransferSyntaxUID, 'source transfer syntax');
  if (toTransferSyntaxUID !== U.ExplicitVRLittleEndian && toTransferSyntaxUID !== U.ImplicitVRLittleEndian) {
    throw new UnsupportedTransferSyntaxError(toTransferSyntaxUID, 'target transfer syntax');
  }
  const from = findTransferSyntax(fromTransferSyntaxUID)!;
  const bytes = from.deflated ? inflateRawSync(dataSet) : dataSet;
  const out = new Out(toTransferSyntaxUID === U.ExplicitVRLittleEndian);
  const t = new Transcoder({ bytes, explicitVR: from.explicitVR, littleEndian: from.littleEndian }, out);
  t.dataSet(bytes.length);
  return out.concat();
}
