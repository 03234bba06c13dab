import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { DicomDataset } from './dicom-dataset';
import { NotDicomError, TruncatedDicomError, UnsupportedTransferSyntaxError } from './dicom.errors';
import { thrownMessage } from './thrown-value';
import { findTransferSyntax, TransferSyntaxUIDs } from './transfer-syntax';

export interface ReadOptions {
  /** stop parsing at this tag (dicom-parser form, e.g. 'x7fe00010') to read headers only */
  untilTag?: string;
}

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position), 0);
  out.set(inflated, position);
  return out;
}

/** End of the File Meta Information, from its group length (0002,0000), which PS3.10 7.1 requires. */
function metaEnd(bytes: Uint8Array): number | undefined {
  // (0002,0000) UL, 4 bytes, explicit VR little endian, right after 'DICM'
  if (bytes.length < 144 || bytes[132] !== 0x02 || bytes[133] !== 0 || bytes[134] !== 0 || bytes[135] !== 0 || bytes[136] !== 0x55 || bytes[137] !== 0x4c)
    return undefined;
  const length = bytes[140] | (bytes[141] << 8) | (bytes[142] << 16) | (bytes[143] << 24);
  return length > 0 && 144 + length <= bytes.length ? 144 + length : undefined;
}

/** TransferSyntaxUID (0002,0010) as the meta's bytes spell it, without parsing; '' when not found. */
function metaTransferSyntax(bytes: Uint8Array): string {
  const end = metaEnd(bytes);
  if (end === undefined) return '';
  for (let p = 144; p + 8 <= end;) {
    const group = bytes[p] | (bytes[p + 1] << 8),
      element = bytes[p + 2] | (bytes[p + 3] << 8);
    const vr = String.fromCharCode(bytes[p + 4], bytes[p + 5]);
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr);
    const length = long ? bytes[p + 8] | (bytes[p + 9] << 8) | (bytes[p + 10] << 16) | (bytes[p + 11] << 24) : bytes[p + 6] | (bytes[p + 7] << 8);
    const start = p + (long ? 12 : 8);
    if (group === 0x0002 && element === 0x0010)
      return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(length, end - start))
        .toString('latin1')
        .replace(/\0/g, '')
        .trim();
    p = start + length;
  }
  return '';
}

function metaDeclaresDeflate(bytes: Uint8Array): boolean {
  const end = metaEnd(bytes);
  if (end === undefined) return false;
  const meta = Buffer.from(bytes.buffer, bytes.byteOffset + 132, end - 132).toString('latin1');
  return meta.includes(TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian);
}

/**
 * Deflated files (PS3.5 A.5): the meta is read up to its group length and the rest inflated here.
 * dicom-parser finds the end of the meta by peeking at the next tag, which in deflated bytes is noise.
 */
function parseDeflated(bytes: Uint8Array, options: ReadOptions): dicomParser.DataSet {
  const end = metaEnd(bytes)!;
  const meta = dicomParser.readPart10Header(bytes.subarray(0, end) as any);
  const full = inflater(bytes, end);
  const byteArray = Buffer.from(full.buffer, full.byteOffset, full.length);
  const raw: dicomParser.DataSet = new (dicomParser as any).DataSet(dicomParser.littleEndianByteArrayParser, byteArray, { ...meta.elements });
  const stream = new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, byteArray as any, end);
  dicomParser.parseDicomDataSetExplicit(raw, stream, byteArray.length, { untilTag: options.untilTag } as any);
  return raw;
}

/**
 * The meta names an explicit VR syntax, but the data set after it is implicit VR: its first element has no VR letters
 * where explicit VR puts them (PS3.5 7.1.2). Some writers do this (pydicom's SC_rgb_jpeg.dcm, from highdicom 0.1);
 * GDCM and pydicom read such files as implicit VR, and so does Nidus.
 */
function datasetIsImplicitDespiteMeta(bytes: Uint8Array, transferSyntaxUID: string): number | undefined {
  const syntax = findTransferSyntax(transferSyntaxUID);
  const end = metaEnd(bytes);
  if (!syntax || !syntax.explicitVR || !syntax.littleEndian || syntax.deflated || end === undefined || end + 8 > bytes.length) return undefined;
  const letter = (b: number) => b >= 0x41 && b <= 0x5a;
  if (letter(bytes[end + 4]) && letter(bytes[end + 5])) return undefined;
  // and it does read as implicit VR: a data set's group (even, 0008 to 7FE0) and a length that fits the file
  const group = bytes[end] | (bytes[end + 1] << 8);
  const length = (bytes[end + 4] | (bytes[end + 5] << 8) | (bytes[end + 6] << 16) | (bytes[end + 7] << 24)) >>> 0;
  const plausible = group >= 0x0008 && group <= 0x7fe0 && group % 2 === 0 && (length === 0xffffffff || end + 8 + length <= bytes.length);
  return plausible ? end : undefined;
}

function parseImplicitAfterMeta(bytes: Uint8Array, end: number, options: ReadOptions): dicomParser.DataSet {
  const meta = dicomParser.readPart10Header(bytes.subarray(0, end) as any);
  const raw: dicomParser.DataSet = new (dicomParser as any).DataSet(dicomParser.littleEndianByteArrayParser, bytes, { ...meta.elements });
  const stream = new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, bytes as any, end);
  dicomParser.parseDicomDataSetImplicit(raw, stream, bytes.length, { untilTag: options.untilTag } as any);
  return raw;
}

function hasPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function classify(error: unknown, what: string): Error {
  // dicom-parser throws plain objects { exception, dataSet } as well as Errors and strings
  const message = thrownMessage(error);
  if (/buffer overread|attempt to read past|beyond end|eof|truncat|overrun|past the end|maxPosition/i.test(message)) {
    return new TruncatedDicomError(`${what} is truncated: ${message}`, { cause: error });
  }
  return new NotDicomError(`${what} cannot be parsed: ${message}`, { cause: error });
}

/**
 * Reads a DICOM Part 10 file (PS3.10 7.1): preamble, 'DICM', File Meta Information, then the dataset
 * in the transfer syntax the meta names. Files without a preamble are read as a bare dataset in
 * Implicit VR Little Endian, as many archives still hold them.
 */
export function readPart10(bytes: Uint8Array, options: ReadOptions = {}): DicomDataset {
  if (bytes.length < 8) throw new NotDicomError(`${bytes.length} bytes is too short for DICOM`);
  if (!hasPreamble(bytes)) {
    // Without a preamble, accept only a dataset that starts as datasets do: group 0002 or 0008.
    const group = bytes[0] | (bytes[1] << 8);
    if (group !== 0x0002 && group !== 0x0008) throw new NotDicomError('no DICM prefix at offset 128 and no dataset at offset 0');
    if (group === 0x0002) {
      try {
        const raw = dicomParser.parseDicom(bytes, { untilTag: options.untilTag, inflater } as dicomParser.ParseDicomOptions);
        const uid = (raw.string('x00020010') ?? '').replace(/\0/g, '').trim();
        return new DicomDataset(raw, uid, findTransferSyntax(uid)?.littleEndian ?? true);
      } catch (error) {
        throw classify(error, 'file without preamble');
      }
    }
    return readDataset(bytes, TransferSyntaxUIDs.ImplicitVRLittleEndian, options);
  }
  let raw: dicomParser.DataSet;
  try {
    const implicitAt = datasetIsImplicitDespiteMeta(bytes, metaTransferSyntax(bytes));
    let implicit: dicomParser.DataSet | undefined;
    if (implicitAt !== undefined) {
      try {
        implicit = parseImplicitAfterMeta(bytes, implicitAt, options);
      } catch {
        implicit = undefined; // not implicit VR either: the explicit parse below says what is wrong
      }
    }
    raw =
      implicit ??
      (metaDeclaresDeflate(bytes)
        ? parseDeflated(bytes, options)
        : dicomParser.parseDicom(bytes, { untilTag: options.untilTag, inflater } as dicomParser.ParseDicomOptions));
  } catch (error) {
    throw classify(error, 'Part 10 file');
  }
  const transferSyntaxUID = (raw.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (!transferSyntaxUID) throw new NotDicomError('File Meta Information has no TransferSyntaxUID (0002,0010)');
  const syntax = findTransferSyntax(transferSyntaxUID);
  return new DicomDataset(raw, transferSyntaxUID, syntax ? syntax.littleEndian : true);
}

/** Reads a bare dataset (no preamble, no meta), as it arrives in DIMSE P-DATA, in the given transfer syntax. */
export function readDataset(bytes: Uint8Array, transferSyntaxUID: string, options: ReadOptions = {}): DicomDataset {
  const syntax = findTransferSyntax(transferSyntaxUID);
  if (!syntax) throw new UnsupportedTransferSyntaxError(transferSyntaxUID);
  let body = bytes;
  if (syntax.deflated) {
    try {
      body = inflateRawSync(bytes);
    } catch (error) {
      throw new NotDicomError(`deflated dataset cannot be inflated: ${thrownMessage(error)}`, { cause: error });
    }
  }
  // A dataset begins with a group 0008 (or later) tag; anything else is not DICOM.
  if (body.length < 8) throw new NotDicomError(`${body.length} bytes is too short for a DICOM dataset`);
  const group = syntax.littleEndian ? body[0] | (body[1] << 8) : (body[0] << 8) | body[1];
  if (group < 0x0002 || group > 0x7fe0 || ((group & 1) === 1 && group < 0x0009)) {
    throw new NotDicomError(`no DICOM preamble and the first tag group ${group.toString(16).padStart(4, '0')} is not a dataset's`);
  }
  try {
    const parserSyntax = syntax.deflated ? TransferSyntaxUIDs.ExplicitVRLittleEndian : transferSyntaxUID;
    const byteArrayParser = syntax.littleEndian ? dicomParser.littleEndianByteArrayParser : dicomParser.bigEndianByteArrayParser;
    const raw: dicomParser.DataSet = new (dicomParser as any).DataSet(byteArrayParser, body as any, {});
    const stream = new dicomParser.ByteStream(byteArrayParser, body as any, 0);
    const parse = syntax.explicitVR ? dicomParser.parseDicomDataSetExplicit : dicomParser.parseDicomDataSetImplicit;
    parse(raw, stream, body.length, { untilTag: options.untilTag } as any);
    return new DicomDataset(raw, transferSyntaxUID, syntax.littleEndian && parserSyntax !== TransferSyntaxUIDs.ExplicitVRBigEndian);
  } catch (error) {
    throw classify(error, 'dataset');
  }
}
