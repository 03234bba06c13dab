import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferSyntaxUIDs } from '@nidus/dicom';
import { pydicomFiles } from '@nidus/testing';
import { readPart10Layout } from './file-meta';
import { encodePart10Header } from './part10-meta.writer';
import { transcodeUncompressed } from './uncompressed-transcoder';

const U = TransferSyntaxUIDs;

/** dcmtk's view of a file's data set, as DICOM JSON */
function dcm2json(path: string): Record<string, any> {
  return JSON.parse(execFileSync('dcm2json', [path], { maxBuffer: 64 << 20 }).toString('utf8'));
}

/**
 * What Implicit VR keeps: no VR on the wire, so private elements are unknown to a reader (UN), and
 * Pixel Data reads as OW (PS3.5 A.1). Those are left out of the comparison for the implicit output.
 */
function implicitView(json: Record<string, any>): Record<string, any> {
  return Object.fromEntries(
    Object.entries(json)
      .filter(([tag]) => parseInt(tag.slice(0, 4), 16) % 2 === 0)
      .map(([tag, a]) => [
        tag,
        a.vr === 'SQ' ? { ...a, Value: a.Value?.map(implicitView) } : ['OB', 'OW'].includes(a.vr) ? { InlineBinary: a.InlineBinary } : a,
      ]),
  );
}

describe(transcodeUncompressed.name, () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'nidus-transcode-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    'CT_small.dcm',
    'MR_small_implicit.dcm',
    'MR_small_bigendian.dcm',
    'image_dfl.dcm',
    'rtplan.dcm',
    'test-SR.dcm',
    'waveform_ecg.dcm',
    'priv_SQ.dcm',
    'liver_expb_1frame.dcm',
  ])('keeps every value of %s in Explicit and Implicit VR Little Endian, as dcmtk reads them', (name) => {
    const path = pydicomFiles().find((f) => f.endsWith(`/${name}`))!;
    const file = readFileSync(path);
    const layout = readPart10Layout(file);
    const expected = dcm2json(path);
    for (const target of [U.ExplicitVRLittleEndian, U.ImplicitVRLittleEndian]) {
      const dataSet = transcodeUncompressed(file.subarray(layout.dataSetOffset), layout.transferSyntaxUID, target);
      const out = join(dir, `${name}.${target}.dcm`);
      writeFileSync(
        out,
        Buffer.concat([encodePart10Header({ SOPClassUID: layout.SOPClassUID, SOPInstanceUID: layout.SOPInstanceUID, transferSyntaxUID: target }), dataSet]),
      );
      if (target === U.ExplicitVRLittleEndian) expect(dcm2json(out)).toEqual(expected);
      else expect(implicitView(dcm2json(out))).toEqual(implicitView(expected));
    }
  });

  it('refuses compressed syntaxes', () => {
    expect(() => transcodeUncompressed(Buffer.alloc(8), U.JPEG2000Lossless, U.ExplicitVRLittleEndian)).toThrow(/unsupported/);
    expect(() => transcodeUncompressed(Buffer.alloc(8), U.ExplicitVRLittleEndian, U.ExplicitVRBigEndian)).toThrow(/unsupported/);
  });
});
