import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10 } from './part10-reader';
import { EncapsulatedFrames, writePart10 } from './part10-writer';
import { TransferSyntaxUIDs } from './transfer-syntax';
import { generateUid } from './uid';

function sample(rows: number, columns: number) {
  const pixels = new Int16Array(rows * columns).map((_, i) => (i % 97) - 40);
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: generateUid(),
    StudyInstanceUID: generateUid(),
    SeriesInstanceUID: generateUid(),
    PatientName: 'Phantom^Head',
    Modality: 'CT',
    ImagePositionPatient: [-100.5, -120.25, 33],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    Rows: rows,
    Columns: columns,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    RescaleSlope: 1,
    RescaleIntercept: -1024,
    ReferencedSeriesSequence: [{ SeriesInstanceUID: generateUid() }, { SeriesInstanceUID: generateUid() }],
    PixelData: pixels,
  };
}

describe(writePart10.name, () => {
  it.each([
    TransferSyntaxUIDs.ExplicitVRLittleEndian,
    TransferSyntaxUIDs.ImplicitVRLittleEndian,
    TransferSyntaxUIDs.ExplicitVRBigEndian,
    TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian,
  ])('round-trips through our reader and dcmtk in %s', (transferSyntaxUID) => {
    const elements = sample(7, 5);
    const bytes = writePart10(elements, { transferSyntaxUID });
    const ds = readPart10(bytes);
    expect(ds.transferSyntaxUID).toBe(transferSyntaxUID);
    expect(ds.string('SOPInstanceUID')).toBe(elements.SOPInstanceUID);
    expect(ds.numbers('ImagePositionPatient')).toEqual([-100.5, -120.25, 33]);
    expect(ds.number('Rows')).toBe(7);
    expect(ds.sequence('ReferencedSeriesSequence').map((i) => i.string('SeriesInstanceUID'))).toEqual(
      elements.ReferencedSeriesSequence.map((i) => i.SeriesInstanceUID),
    );
    const dir = mkdtempSync(join(tmpdir(), 'nidus-writer-'));
    const file = join(dir, 'x.dcm');
    writeFileSync(file, bytes);
    const dump = execFileSync('dcmdump', ['+P', '0028,0010', '+P', '0020,0032', file], { encoding: 'utf8' });
    expect(dump).toMatch(/\(0028,0010\) US 7/);
    expect(dump).toMatch(/-100\.5\\-120\.25\\33/);
  });

  it('writes encapsulated frames with a Basic Offset Table', () => {
    const elements = { ...sample(2, 2), PixelData: new EncapsulatedFrames([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]) };
    const ds = readPart10(writePart10(elements, { transferSyntaxUID: TransferSyntaxUIDs.RLELossless }));
    const pixel = ds.element('PixelData')!;
    expect(pixel.encapsulatedPixelData).toBe(true);
    expect(pixel.fragments).toHaveLength(2);
    expect(pixel.basicOffsetTable).toEqual([0, 12]);
  });
});

describe('ambiguous VRs', () => {
  it('writes LUT Data as OW from a typed array and as US from numbers', () => {
    const withLut = (LUTData: Uint16Array | number[]) => ({ ...sample(1, 1), VOILUTSequence: [{ LUTDescriptor: [3, 0, 16], LUTData }] });
    const ow = readPart10(writePart10(withLut(new Uint16Array([10, 20, 30]))));
    expect(ow.sequence('VOILUTSequence')[0].element('LUTData')!.vr).toBe('OW');
    const us = readPart10(writePart10(withLut([10, 20, 30])));
    expect(us.sequence('VOILUTSequence')[0].numbers('LUTData')).toEqual([10, 20, 30]);
  });
});

describe('deflated files', () => {
  // Deflated bytes right after the meta can look like a group 0002 tag; the meta ends where its group length says.
  it('read back whatever the deflated stream begins with', () => {
    for (let i = 0; i < 200; i++) {
      const elements = sample(3, 2);
      const ds = readPart10(writePart10(elements, { transferSyntaxUID: TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian }));
      expect(ds.string('SOPInstanceUID')).toBe(elements.SOPInstanceUID);
      expect(ds.string('TransferSyntaxUID')).toBe(TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian);
      expect(ds.sequence('ReferencedSeriesSequence')).toHaveLength(2);
    }
  });
});
