import { fileMetaElements, TransferSyntaxUIDs, writeDataset } from '@nidus/dicom';

export interface FileMetaSource {
  SOPClassUID: string;
  SOPInstanceUID: string;
  transferSyntaxUID: string;
  sourceApplicationEntityTitle?: string;
}

/**
 * Preamble, 'DICM' and File Meta Information (PS3.10 7.1) for a data set received over the network:
 * what goes in front of its bytes, unchanged, to make a Part 10 file. The meta is libs/dicom's
 * fileMetaElements, written in Explicit VR Little Endian with its group length.
 */
export function encodePart10Header(source: FileMetaSource): Buffer {
  const meta = writeDataset(
    fileMetaElements(
      { SOPClassUID: source.SOPClassUID, SOPInstanceUID: source.SOPInstanceUID },
      { transferSyntaxUID: source.transferSyntaxUID, sourceApplicationEntityTitle: source.sourceApplicationEntityTitle || undefined },
    ),
    TransferSyntaxUIDs.ExplicitVRLittleEndian,
  );
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(meta.length, 8);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, meta]);
}
