import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readPart10 } from '@nidus/dicom';
import { dirname, join } from 'node:path';
import { PYDICOM_TEST_FILES, pydicomFiles } from '@nidus/testing';
import { DicomJson, toDicomJson } from './dicom-json';

/** dcmtk's dcm2json as the reference, binary values left out (dcm2json writes them all inline) */
function reference(path: string): DicomJson {
  return JSON.parse(execFileSync('dcm2json', [path], { maxBuffer: 64 << 20 }).toString('utf8'));
}

function withoutBinary(json: DicomJson): unknown {
  return Object.fromEntries(
    Object.entries(json)
      .filter(([, a]) => !['OB', 'OW', 'OD', 'OF', 'OL', 'OV', 'UN'].includes(a.vr))
      // FL values: dcmtk prints 9 digits, we print the shortest that reads back: compare as 32-bit floats
      .map(([k, a]) => [
        k,
        a.vr === 'SQ'
          ? { vr: 'SQ', Value: (a.Value as DicomJson[] | undefined)?.map(withoutBinary) }
          : a.vr === 'FL'
            ? { vr: 'FL', Value: a.Value?.map((v) => Math.fround(v as number)) }
            : a,
      ]),
  );
}

describe(toDicomJson.name, () => {
  it.each(['CT_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm', 'rtplan.dcm', 'test-SR.dcm', 'liver_1frame.dcm', 'waveform_ecg.dcm'])(
    'agrees with dcmtk dcm2json on %s',
    (name) => {
      const path = pydicomFiles().find((f) => f.endsWith(`/${name}`))!;
      const ours = toDicomJson(readPart10(readFileSync(path)));
      expect(withoutBinary(ours)).toEqual(withoutBinary(reference(path)));
    },
  );

  it('decodes text in the Specific Character Set into Unicode', () => {
    // pydicom's character set files sit beside its test files
    const charsets = join(dirname(PYDICOM_TEST_FILES), 'charset_files');
    for (const name of ['chrRuss.dcm', 'chrGreek.dcm', 'chrArab.dcm', 'chrFren.dcm', 'chrX1.dcm']) {
      const path = join(charsets, name);
      const ours = toDicomJson(readPart10(readFileSync(path)));
      expect(JSON.stringify((withoutBinary(ours) as DicomJson)['00100010'])).toBe(JSON.stringify((withoutBinary(reference(path)) as DicomJson)['00100010']));
    }
  });

  it('puts what the caller asks behind a BulkDataURI and the rest inline, little endian', () => {
    const path = pydicomFiles().find((f) => f.endsWith('/MR_small_bigendian.dcm'))!;
    const json = toDicomJson(readPart10(readFileSync(path)), { bulkDataUri: (tag, length) => (length > 1024 ? `bulk/${tag}` : undefined) });
    expect(json['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: 'bulk/7FE00010' });
    const little = toDicomJson(readPart10(readFileSync(pydicomFiles().find((f) => f.endsWith('/MR_small.dcm'))!)));
    expect(
      Buffer.from(little['7FE00010'].InlineBinary!, 'base64').equals(
        Buffer.from(toDicomJson(readPart10(readFileSync(path)))['7FE00010'].InlineBinary!, 'base64'),
      ),
    ).toBe(true);
  });
});
