import { findTransferSyntax, NotDicomError, readDataset, readPart10, TransferSyntaxUIDs, TruncatedDicomError } from '@nidus/dicom';

/** Where a Part 10 file's data set starts, and what its File Meta says (PS3.10 7.1). */
export interface Part10Layout {
  SOPClassUID: string;
  SOPInstanceUID: string;
  transferSyntaxUID: string;
  /** byte offset of the data set, after preamble, prefix and File Meta */
  dataSetOffset: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

function text(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
}

/**
 * Walks the File Meta group (explicit VR little endian, PS3.10 7.1) of the first bytes of a file.
 * Throws TruncatedDicomError when `head` ends inside it (read more and call again). Files without a
 * preamble and meta are read as Implicit VR Little Endian data sets, as readPart10 does.
 */
function dataSetUids(dataSet: Buffer, transferSyntaxUID: string): { SOPClassUID?: string; SOPInstanceUID?: string } {
  if (findTransferSyntax(transferSyntaxUID)?.deflated) return {};
  try {
    const ds = readDataset(dataSet, transferSyntaxUID, { untilTag: 'x00080018' });
    return { SOPClassUID: ds.string('SOPClassUID'), SOPInstanceUID: ds.string('SOPInstanceUID') };
  } catch {
    return {};
  }
}

export function readPart10Layout(head: Buffer): Part10Layout {
  const hasPrefix = head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM';
  const start = hasPrefix ? 132 : 0;
  if (!hasPrefix && (head.length < 2 || head.readUInt16LE(0) !== 0x0002)) {
    // a bare data set: its UIDs come from the data set itself
    const dataset = readPart10(head, { untilTag: 'x7fe00010' });
    return {
      SOPClassUID: dataset.requireString('SOPClassUID'),
      SOPInstanceUID: dataset.requireString('SOPInstanceUID'),
      transferSyntaxUID: TransferSyntaxUIDs.ImplicitVRLittleEndian,
      dataSetOffset: 0,
    };
  }
  const values = new Map<number, string>();
  let offset = start;
  for (;;) {
    if (offset + 8 > head.length) {
      if (offset === head.length && values.size) break; // the file is only meta
      throw new TruncatedDicomError('File Meta Information runs past the bytes read');
    }
    const group = head.readUInt16LE(offset);
    if (group !== 0x0002) break;
    const element = head.readUInt16LE(offset + 2);
    const vr = head.toString('latin1', offset + 4, offset + 6);
    let length: number;
    let valueOffset: number;
    if (LONG_VRS.has(vr)) {
      if (offset + 12 > head.length) throw new TruncatedDicomError('File Meta element header runs past the bytes read');
      length = head.readUInt32LE(offset + 8);
      valueOffset = offset + 12;
    } else {
      length = head.readUInt16LE(offset + 6);
      valueOffset = offset + 8;
    }
    if (length === 0xffffffff) throw new NotDicomError('File Meta element with undefined length');
    if (valueOffset + length > head.length) throw new TruncatedDicomError('File Meta element runs past the bytes read');
    values.set(element, text(head.subarray(valueOffset, valueOffset + length)));
    offset = valueOffset + length;
  }
  const transferSyntaxUID = values.get(0x0010);
  if (!transferSyntaxUID) throw new NotDicomError('File Meta lacks TransferSyntaxUID (0002,0010)');
  // The data set's own SOP Class and Instance UIDs are what a C-STORE announces (as dcmtk's storescu
  // does); the File Meta's copies (PS3.10 7.1) only when the data set cannot be read this far.
  const own = dataSetUids(head.subarray(offset), transferSyntaxUID);
  const SOPClassUID = own.SOPClassUID ?? values.get(0x0002);
  const SOPInstanceUID = own.SOPInstanceUID ?? values.get(0x0003);
  if (!SOPClassUID || !SOPInstanceUID) throw new NotDicomError('neither the data set nor the File Meta names the SOP Class and Instance UIDs');
  return { SOPClassUID, SOPInstanceUID, transferSyntaxUID, dataSetOffset: offset };
}
