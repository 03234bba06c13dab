import { generateUid, readPart10, writePart10, TransferSyntaxUIDs } from '@nidus/dicom';
import { dicomFromDump } from '@nidus/testing';
import { InvalidLutError } from './imaging.errors';
import { applyModalityLut, isPadding, lookupTable, modalityLutOf, modalityValue } from './modality-lut';

const base = { SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', SOPInstanceUID: generateUid() };

describe(applyModalityLut.name, () => {
  it('rescales by slope and intercept (PS3.3 C.11.1.1.2): HU = stored x slope + intercept', () => {
    const lut = { kind: 'rescale' as const, RescaleSlope: 2, RescaleIntercept: -1024 };
    expect(Array.from(applyModalityLut(Int16Array.from([0, 100, -5, 2048]), lut))).toEqual([-1024, -824, -1034, 3072]);
    // into a larger buffer at an offset
    const out = new Float32Array(6).fill(7);
    applyModalityLut([1, 2], { kind: 'rescale', RescaleSlope: 0.5, RescaleIntercept: 1 }, out, 3);
    expect(Array.from(out)).toEqual([7, 7, 7, 1.5, 2, 7]);
  });

  it('looks values up in a LUT, clamping below the first and above the last entry (PS3.3 C.11.1.1.1)', () => {
    const table = { entries: 4, firstValueMapped: -2, bitsPerEntry: 16, data: [10, 20, 30, 40] };
    expect([-5, -2, -1, 0, 1, 5].map((x) => lookupTable(table, x))).toEqual([10, 10, 20, 30, 40, 40]);
    expect(Array.from(applyModalityLut([-5, 0, 9], { kind: 'table', table }))).toEqual([10, 30, 40]);
  });

  it('gives padding pixels the padding output, by value or range (PS3.3 C.7.5.1.1.2)', () => {
    const lut = { kind: 'rescale' as const, RescaleSlope: 1, RescaleIntercept: -1024 };
    expect(Array.from(applyModalityLut([-2000, 0, 5], lut, undefined, 0, { PixelPaddingValue: -2000, output: -1024 }))).toEqual([-1024, -1024, -1019]);
    const range = { PixelPaddingValue: 10, PixelPaddingRangeLimit: 3, output: -1 };
    expect([2, 3, 7, 10, 11].map((x) => isPadding(range, x))).toEqual([false, true, true, true, false]);
  });

  it('reads the Modality LUT Sequence before Rescale, and a signed first value mapped', () => {
    // dump2dcm writes LUT Data (VR US or OW), which our writer cannot; big endian to exercise byte order
    const withTable = readPart10(
      dicomFromDump(
        [
          '(0008,0016) UI 1.2.840.10008.5.1.4.1.1.2',
          `(0008,0018) UI ${generateUid()}`,
          '(0028,0103) US 1',
          '(0028,1052) DS 1',
          '(0028,1053) DS 3',
          '(0028,3000) SQ (Sequence with undefined length)',
          '(fffe,e000) na (Item with undefined length)',
          '(0028,3002) US 3\\65535\\16',
          '(0028,3004) LO HU',
          '(0028,3006) US 100\\200\\300',
          '(fffe,e00d) na (ItemDelimitationItem)',
          '(fffe,e0dd) na (SequenceDelimitationItem)',
        ].join('\n'),
        '+tb',
      ),
    );
    expect(withTable.transferSyntaxUID).toBe(TransferSyntaxUIDs.ExplicitVRBigEndian);
    const lut = modalityLutOf(withTable);
    expect(lut.kind).toBe('table');
    expect([-3, -1, 0, 1, 2].map((x) => modalityValue(lut, x))).toEqual([100, 100, 200, 300, 300]);
    const rescale = modalityLutOf(readPart10(writePart10({ ...base, RescaleSlope: '2.5', RescaleIntercept: '-10' })));
    expect(modalityValue(rescale, 4)).toBe(0);
    expect(modalityValue(modalityLutOf(readPart10(writePart10(base))), 17)).toBe(17);
    expect(() => modalityLutOf(readPart10(writePart10({ ...base, RescaleSlope: 0 })))).toThrow(InvalidLutError);
  });
});
