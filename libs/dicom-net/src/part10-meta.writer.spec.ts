import { fileMetaElements, generateUid, TransferSyntaxUIDs, writeDataset } from '@nidus/dicom';
import { encodePart10Header } from './part10-meta.writer';

/** The File Meta as libs/dicom's general writer encodes it. */
function generalWriter(source: Parameters<typeof encodePart10Header>[0]): Buffer {
  const meta = writeDataset(
    fileMetaElements(
      { SOPClassUID: source.SOPClassUID, SOPInstanceUID: source.SOPInstanceUID },
      { transferSyntaxUID: source.transferSyntaxUID, sourceApplicationEntityTitle: source.sourceApplicationEntityTitle || undefined },
    ),
    TransferSyntaxUIDs.ExplicitVRLittleEndian,
  );
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(meta.length, 8);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, meta]);
}

describe(encodePart10Header.name, () => {
  const cases = [
    {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      SOPInstanceUID: generateUid(),
      transferSyntaxUID: '1.2.840.10008.1.2',
      sourceApplicationEntityTitle: 'STORESCU',
    },
    {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.7.3',
      SOPInstanceUID: '1.2.3.45',
      transferSyntaxUID: '1.2.840.10008.1.2.4.90',
      sourceApplicationEntityTitle: 'ODD',
    },
    { SOPClassUID: '1.2.840.10008.5.1.4.1.1.4', SOPInstanceUID: '1.2.3.4', transferSyntaxUID: '1.2.840.10008.1.2.1', sourceApplicationEntityTitle: '' },
    { SOPClassUID: '1.2.840.10008.5.1.4.1.1.4', SOPInstanceUID: '1.2.3.456', transferSyntaxUID: '1.2.840.10008.1.2.1' },
  ];
  it.each(cases)('writes what the general writer writes ($SOPInstanceUID, AE $sourceApplicationEntityTitle)', (source) => {
    const bytes = encodePart10Header(source);
    expect(bytes.equals(generalWriter(source))).toBe(true);
    expect(bytes.includes(Buffer.from(source.SOPInstanceUID, 'latin1'))).toBe(true);
  });
});
