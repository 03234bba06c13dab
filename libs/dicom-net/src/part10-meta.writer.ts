import { NIDUS_IMPLEMENTATION_CLASS_UID, NIDUS_IMPLEMENTATION_VERSION_NAME } from '@nidus/dicom';

export interface FileMetaSource {
  SOPClassUID: string;
  SOPInstanceUID: string;
  transferSyntaxUID: string;
  sourceApplicationEntityTitle?: string;
}

/** One Explicit VR Little Endian element with a 2-byte length (PS3.5 7.1.2), its value padded to even length. */
function shortElement(element: number, vr: string, value: string, pad: number): Buffer {
  const length = value.length + (value.length % 2);
  const out = Buffer.alloc(8 + length, pad);
  out.writeUInt16LE(0x0002, 0);
  out.writeUInt16LE(element, 2);
  out.write(vr, 4, 'latin1');
  out.writeUInt16LE(length, 6);
  out.write(value, 8, 'latin1');
  return out;
}

/** (0002,0001) FileMetaInformationVersion, OB 00\01: a 4-byte length after two reserved bytes (PS3.5 7.1.2). */
const FILE_META_VERSION = Buffer.from([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0, 0, 2, 0, 0, 0, 0x00, 0x01]);

/**
 * Preamble, 'DICM' and File Meta Information (PS3.10 7.1) for a data set received over the network:
 * what goes in front of its bytes, unchanged, to make a Part 10 file. The same elements as libs/dicom's
 * fileMetaElements, in tag order, written directly: this runs once per instance received.
 */
export function encodePart10Header(source: FileMetaSource): Buffer {
  const elements = [
    FILE_META_VERSION,
    shortElement(0x0002, 'UI', source.SOPClassUID, 0),
    shortElement(0x0003, 'UI', source.SOPInstanceUID, 0),
    shortElement(0x0010, 'UI', source.transferSyntaxUID, 0),
    shortElement(0x0012, 'UI', NIDUS_IMPLEMENTATION_CLASS_UID, 0),
    shortElement(0x0013, 'SH', NIDUS_IMPLEMENTATION_VERSION_NAME, 0x20),
  ];
  if (source.sourceApplicationEntityTitle) elements.push(shortElement(0x0016, 'AE', source.sourceApplicationEntityTitle, 0x20));
  const metaLength = elements.reduce((n, e) => n + e.length, 0);
  const head = Buffer.alloc(144);
  head.write('DICM', 128, 'latin1');
  head.writeUInt16LE(0x0002, 132);
  head.writeUInt16LE(0x0000, 134);
  head.write('UL', 136, 'latin1');
  head.writeUInt16LE(4, 138);
  head.writeUInt32LE(metaLength, 140);
  return Buffer.concat([head, ...elements], 144 + metaLength);
}
