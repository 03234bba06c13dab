import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DicomError, findTransferSyntax, readPart10, TransferSyntaxUIDs, type DicomDataset } from '@nidus/dicom';
import { pydicomFiles, PYDICOM_TEST_FILES, referenceDecode, referenceToolFor } from '@nidus/testing';
import type { DecodedFrame } from './decoded-frame';
import { decodeFrames } from './decode';
import { UnsupportedTransferSyntaxError } from './imaging.errors';

/** Largest absolute difference between two frame lists; Infinity when shapes differ. */
function maxDifference(a: DecodedFrame[], b: DecodedFrame[]): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let f = 0; f < a.length; f++) {
    const x = a[f].pixels,
      y = b[f].pixels;
    if (x.length !== y.length || a[f].rows !== b[f].rows || a[f].columns !== b[f].columns) return Infinity;
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  }
  return max;
}

/** Tolerance for lossy syntaxes: a different IDCT / wavelet implementation may round differently. */
const LOSSY_TOLERANCE = 2;

/** Pixel Data present, as dcmtk (not our reader) sees it. */
function hasPixelDataPerDcmtk(path: string): boolean {
  try {
    return execFileSync('dcmdump', ['+P', '7fe0,0010', path], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] }).includes('(7fe0,0010)');
  } catch (error) {
    // dcmdump fails on damaged files: keep those that at least name Pixel Data in their output
    return (
      String((error as { stdout?: string }).stdout ?? '').includes('(7fe0,0010)') || /7fe0,0010/i.test(String((error as { stderr?: string }).stderr ?? ''))
    );
  }
}

async function attempt<T>(f: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await f() };
  } catch (error) {
    return { error };
  }
}

describe(decodeFrames.name, () => {
  it('decodes every pydicom test file with pixel data as dcmtk or GDCM does, or fails with a typed error', async () => {
    const files = pydicomFiles().filter(hasPixelDataPerDcmtk);
    expect(files.length).toBeGreaterThan(45);
    const compared: { file: string; uid: string; difference: number }[] = [];
    const refused: { file: string; error: unknown }[] = [];
    for (const path of files) {
      const file = basename(path);
      const ours = await attempt(async () => {
        const ds = readPart10(readFileSync(path));
        return { ds, frames: await decodeFrames(ds) };
      });
      let uid: string;
      try {
        uid = readPart10(readFileSync(path)).transferSyntaxUID;
      } catch (error) {
        // our reader refuses the file: that must be a typed error, and dcmtk must not decode it either
        expect({ file, typed: error instanceof DicomError }).toEqual({ file, typed: true });
        const reference = await attempt(() =>
          referenceDecode(path, TransferSyntaxUIDs.ExplicitVRLittleEndian, referenceToolFor(TransferSyntaxUIDs.ExplicitVRLittleEndian)),
        );
        const readable = reference.value ? await attempt(async () => decodeFrames(readPart10(reference.value!))) : { error: reference.error };
        expect({ file, referenceDecodes: readable.value !== undefined }).toEqual({ file, referenceDecodes: false });
        refused.push({ file, error });
        continue;
      }
      const reference = await attempt(async () => {
        const bytes = await referenceDecode(path, uid);
        const ds: DicomDataset = readPart10(bytes);
        return decodeFrames(ds);
      });
      if (ours.error !== undefined) {
        expect({ file, typed: ours.error instanceof DicomError }).toEqual({ file, typed: true });
        if (ours.error instanceof UnsupportedTransferSyntaxError) {
          // a syntax we cannot decode names its UID and never yields values
          expect(ours.error.transferSyntaxUID).toBe(uid);
          expect(ours.error.message).toContain(uid);
        } else {
          // otherwise the file is broken: the reference tool fails too, or its output fails the same way
          expect({ file, referenceDecodes: reference.value !== undefined }).toEqual({ file, referenceDecodes: false });
        }
        refused.push({ file, error: ours.error });
        continue;
      }
      if (reference.error !== undefined) throw new Error(`${file}: reference decoder failed but Nidus decoded it: ${String(reference.error)}`);
      const lossy = findTransferSyntax(uid)?.lossy ?? false;
      let difference = maxDifference(ours.value!.frames, reference.value!);
      if (difference > 0 && ours.value!.frames[0].samplesPerPixel === 3 && referenceToolFor(uid).tool === 'dcmdjpeg') {
        // colour JPEG without markers is ambiguous: dcmtk by default trusts the Photometric Interpretation
        // (+cp), its other mode trusts the codec's guess (+cg). Nidus trusts the markers first: accept either.
        const guessed = await decodeFrames(readPart10(await referenceDecode(path, uid, { tool: 'dcmdjpeg', args: (i, o) => ['+te', '+cg', i, o] })));
        difference = Math.min(difference, maxDifference(ours.value!.frames, guessed));
      }
      expect({ file, uid, difference }).toEqual({ file, uid, difference: lossy ? expect.any(Number) : 0 });
      if (lossy) expect({ file, withinTolerance: difference <= LOSSY_TOLERANCE }).toEqual({ file, withinTolerance: true });
      for (let f = 0; f < ours.value!.frames.length; f++) {
        expect(ours.value!.frames[f].photometricInterpretation).toBe(reference.value![f].photometricInterpretation);
        expect(ours.value!.frames[f].signed).toBe(reference.value![f].signed);
      }
      compared.push({ file, uid, difference });
    }
    const syntaxes = new Set(compared.map((c) => c.uid));
    for (const uid of [
      TransferSyntaxUIDs.ImplicitVRLittleEndian,
      TransferSyntaxUIDs.ExplicitVRLittleEndian,
      TransferSyntaxUIDs.ExplicitVRBigEndian,
      TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian,
      TransferSyntaxUIDs.RLELossless,
      TransferSyntaxUIDs.JPEGBaseline8Bit,
      TransferSyntaxUIDs.JPEGLosslessSV1,
      TransferSyntaxUIDs.JPEGLSLossless,
      TransferSyntaxUIDs.JPEG2000Lossless,
      TransferSyntaxUIDs.JPEG2000,
    ])
      expect(syntaxes).toContain(uid);
    expect(compared.length).toBeGreaterThan(40);
    // the 12-bit JPEG Extended files are refused by name, not decoded to garbage
    expect(refused.map((r) => r.file)).toEqual(expect.arrayContaining(['JPGExtended.dcm', 'JPEG-lossy.dcm']));
  });

  it('decodes RGB JPEG without colour markers by its markers first: the GDCM lossy file is YCbCr despite its RGB label', async () => {
    const truth = (await decodeFrames(readPart10(readFileSync(`${PYDICOM_TEST_FILES}/SC_rgb_rle.dcm`))))[0].pixels;
    const decoded = (await decodeFrames(readPart10(readFileSync(`${PYDICOM_TEST_FILES}/SC_rgb_jpeg_lossy_gdcm.dcm`))))[0].pixels;
    let sum = 0;
    for (let i = 0; i < truth.length; i++) sum += Math.abs(truth[i] - decoded[i]);
    // lossy 4:2:0 JPEG of colour bars: a few levels on average, against ~90 if the YCbCr were shown as RGB
    expect(sum / truth.length).toBeLessThan(8);
  });
});
