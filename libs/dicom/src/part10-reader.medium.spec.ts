import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pydicomFiles } from '@nidus/testing';
import { NotDicomError, TruncatedDicomError } from './dicom.errors';
import { readDataset, readPart10 } from './part10-reader';
import { TransferSyntaxUIDs } from './transfer-syntax';
import { writePart10 } from './part10-writer';

describe(readPart10.name, () => {
  it('reads keyword-named attributes from real files of many transfer syntaxes', () => {
    const outcomes = pydicomFiles().map((path) => {
      try {
        const ds = readPart10(readFileSync(path));
        return { path, ok: true, sop: ds.string('SOPInstanceUID'), ts: ds.transferSyntaxUID };
      } catch (error) {
        return { path, ok: false, error };
      }
    });
    const read = outcomes.filter((o) => o.ok);
    expect(read.length).toBeGreaterThan(50);
    const ct = readPart10(readFileSync(pydicomFiles().find((p) => basename(p) === 'CT_small.dcm')!));
    expect(ct.string('Modality')).toBe('CT');
    expect(ct.number('Rows')).toBe(128);
    expect(ct.numbers('ImagePositionPatient')).toHaveLength(3);
    const syntaxes = new Set(read.map((o) => o.ts));
    expect(syntaxes).toContain(TransferSyntaxUIDs.ExplicitVRBigEndian);
    expect(syntaxes).toContain(TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian);
    // every failure is one of the typed errors, never a bare string or crash
    for (const o of outcomes.filter((o) => !o.ok)) {
      expect([NotDicomError, TruncatedDicomError].some((E) => o.error instanceof E)).toBe(true);
    }
  });

  it('rejects bytes that are not DICOM with NotDicomError', () => {
    expect(() => readPart10(Buffer.from('%PDF-1.4 this is not dicom at all, just text padding'))).toThrow(NotDicomError);
    expect(() => readPart10(Buffer.alloc(4))).toThrow(NotDicomError);
  });

  it('reads a bare implicit VR dataset as DIMSE delivers it', () => {
    // (0008,0060) Modality "MR" in Implicit VR Little Endian: tag, 4-byte length, value
    const bytes = Buffer.from([0x08, 0x00, 0x60, 0x00, 0x02, 0x00, 0x00, 0x00, 0x4d, 0x52]);
    expect(readDataset(bytes, TransferSyntaxUIDs.ImplicitVRLittleEndian).string('Modality')).toBe('MR');
  });
});

describe('data sets written against their meta', () => {
  it('reads an implicit VR data set whose meta names an explicit VR syntax, as GDCM and pydicom do (SC_rgb_jpeg.dcm)', () => {
    const ds = readPart10(readFileSync(pydicomFiles().find((p) => basename(p) === 'SC_rgb_jpeg.dcm')!));
    expect(ds.transferSyntaxUID).toBe(TransferSyntaxUIDs.JPEGBaseline8Bit);
    expect(ds.number('Rows')).toBe(256);
    expect(ds.string('PhotometricInterpretation')).toBe('RGB');
    expect(ds.string('Manufacturer')).toBe('debug');
  });

  it('still refuses words after a valid meta with a typed error, rather than reading them as implicit VR', () => {
    const file = writePart10({ SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: '1.2.3.4', Modality: 'OT' });
    const metaEnd = 144 + file.readUInt32LE(140);
    const garbage = Buffer.concat([file.subarray(0, metaEnd), Buffer.from('this is not a DICOM data set at all, just words.')]);
    expect(() => readPart10(garbage)).toThrow(TruncatedDicomError);
  });
});

describe('truncated files', () => {
  it.each(['MR_truncated.dcm', 'rtplan_truncated.dcm'])('%s raises TruncatedDicomError with a readable reason', (name) => {
    const path = pydicomFiles().find((p) => basename(p) === name)!;
    expect(() => readPart10(readFileSync(path))).toThrow(TruncatedDicomError);
    expect(() => readPart10(readFileSync(path))).toThrow(/truncated: dicomParser/);
  });
});
