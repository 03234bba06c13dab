import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DicomError, findTransferSyntax } from '@nidus/dicom';
import {
  decodeFile,
  frameDifference as difference,
  GDCM,
  GDCM_DEFECTS,
  hasPixelData,
  LOSSY_TOLERANCE,
  NEITHER_READS,
  ORIGINALS,
  pydicomFiles,
  PYDICOM_TEST_FILES,
  referenceDecode,
  referenceToolFor,
  REFUSED_ON_PURPOSE,
} from '@nidus/testing';
import { decodeFrames } from './decode';

async function attempt<T>(f: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await f() };
  } catch (error) {
    return { error };
  }
}

describe(decodeFrames.name, () => {
  it('decodes every pydicom test file with pixel data as GDCM does, except where GDCM is shown wrong, or fails with a typed error', async () => {
    const files = pydicomFiles().filter(hasPixelData);
    expect(files.length).toBeGreaterThan(45);
    const agreed: string[] = [];
    const gdcmWrong: string[] = [];
    const neitherReads: string[] = [];
    const refused: string[] = [];
    for (const path of files) {
      const file = basename(path);
      const ours = await attempt(() => decodeFile(readFileSync(path)));
      const gdcm = await attempt(async () => decodeFile(await referenceDecode(path, '', GDCM)));
      if (ours.error !== undefined) {
        // every refusal is typed, names a reason, and is either on purpose or shared with GDCM
        expect({ file, typed: ours.error instanceof DicomError, message: (ours.error as Error).message.length > 10 }).toEqual({
          file,
          typed: true,
          message: true,
        });
        if (REFUSED_ON_PURPOSE[file]) refused.push(file);
        else {
          expect({ file, gdcmDecodes: gdcm.value !== undefined }).toEqual({ file, gdcmDecodes: false });
          neitherReads.push(file);
        }
        continue;
      }
      const uid = ours.value!.ds.transferSyntaxUID;
      const tolerance = findTransferSyntax(uid)?.lossy ? LOSSY_TOLERANCE : 0;
      const vsGdcm = gdcm.value ? difference(ours.value!, gdcm.value) : undefined;
      if (vsGdcm && vsGdcm.max <= tolerance) {
        for (let f = 0; f < ours.value!.frames.length; f++)
          expect({ file, signed: ours.value!.frames[f].signed }).toEqual({ file, signed: gdcm.value!.frames[f].signed });
        expect({ file, notADefect: GDCM_DEFECTS[file] }).toEqual({ file, notADefect: undefined }); // the table must not rot
        agreed.push(file);
        continue;
      }
      // GDCM disagrees or fails: only where it is known to be wrong, and then an independent decoder or the original agrees with Nidus
      expect({ file, uid, vsGdcm, knownDefect: !!GDCM_DEFECTS[file] }).toEqual({ file, uid, vsGdcm, knownDefect: true });
      const original = ORIGINALS[file];
      if (original) {
        const truth = await decodeFile(readFileSync(`${PYDICOM_TEST_FILES}/${original}`));
        const vsTruth = difference(ours.value!, truth);
        expect({ file, meanAgainstOriginal: vsTruth.mean < 8 }).toEqual({ file, meanAgainstOriginal: true });
        if (gdcm.value) expect({ file, gdcmMeanAgainstOriginal: difference(gdcm.value, truth).mean > 50 }).toEqual({ file, gdcmMeanAgainstOriginal: true });
      } else {
        const dcmtk = await decodeFile(await referenceDecode(path, uid, referenceToolFor(uid)));
        expect({ file, vsDcmtk: difference(ours.value!, dcmtk).max }).toEqual({ file, vsDcmtk: 0 });
      }
      gdcmWrong.push(file);
    }
    expect(gdcmWrong.sort()).toEqual(Object.keys(GDCM_DEFECTS).sort());
    expect(refused.sort()).toEqual(Object.keys(REFUSED_ON_PURPOSE).sort());
    expect(neitherReads.sort()).toEqual([...NEITHER_READS].sort());
    expect(agreed.length).toBeGreaterThan(40);
    expect(agreed).toEqual(
      expect.arrayContaining(['JPEG-lossy.dcm', 'JPGExtended.dcm', 'J2K_pixelrep_mismatch.dcm', 'badVR.dcm', 'SC_rgb_jpeg.dcm', 'SC_rgb_dcmtk_+eb+cy+s2.dcm']),
    );
  }, 240_000); // about a hundred files through GDCM and Nidus: a minute on a busy machine
});
