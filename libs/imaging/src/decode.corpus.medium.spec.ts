import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DicomError, findTransferSyntax, readPart10, type DicomDataset } from '@nidus/dicom';
import { pydicomFiles, PYDICOM_TEST_FILES, referenceDecode, referenceToolFor, type ReferenceTool } from '@nidus/testing';
import { toRgb } from './color';
import type { DecodedFrame } from './decoded-frame';
import { decodeFrames } from './decode';

const GDCM: ReferenceTool = { tool: 'gdcmconv', args: (i, o) => ['--raw', i, o] };

/** Tolerance for lossy syntaxes: a different IDCT / wavelet implementation may round differently. */
const LOSSY_TOLERANCE = 2;

/**
 * Files where GDCM's reading is wrong, and why. For these Nidus must agree with dcmtk (an independent decoder) or,
 * where dcmtk shares the mistake, with the uncompressed original of the same image.
 */
const GDCM_DEFECTS: Record<string, string> = {
  'SC_rgb_rle_16bit.dcm': 'GDCM orders the byte segments of 16-bit RGB RLE wrongly (PS3.5 G.2); dcmtk and pydicom agree with Nidus',
  'SC_rgb_rle_32bit.dcm': 'GDCM orders the byte segments of 32-bit RGB RLE wrongly (PS3.5 G.2); dcmtk and pydicom agree with Nidus',
  'SC_rgb_rle_16bit_2frame.dcm': 'gdcmconv fails on two-frame 16-bit RGB RLE; dcmtk agrees with Nidus',
  'SC_rgb_rle_32bit_2frame.dcm': 'gdcmconv fails on two-frame 32-bit RGB RLE; dcmtk agrees with Nidus',
  'SC_rgb_jpeg_lossy_gdcm.dcm':
    'YCbCr 4:2:0 JPEG labelled RGB with no colour marker: GDCM (and dcmtk by default) trust the label; Nidus trusts the subsampling and matches the uncompressed original',
};

/** Files GDCM reads that Nidus refuses on purpose. */
const REFUSED_ON_PURPOSE: Record<string, string> = {
  'MR_truncated.dcm': 'Pixel Data ends before its length: GDCM fills the missing pixels with zeros; Nidus refuses a partial image (TruncatedDicomError)',
};

/** The uncompressed original of a file whose decoding both reference tools get wrong. */
const ORIGINALS: Record<string, string> = { 'SC_rgb_jpeg_lossy_gdcm.dcm': 'SC_rgb_rle.dcm' };

/** Pixel Data present as dcmtk sees it (dumped, or named in its complaint about a damaged file), or as our reader does. */
function hasPixelData(path: string): boolean {
  const r = spawnSync('dcmdump', ['+P', '7fe0,0010', path], { encoding: 'latin1' });
  if (/\(7fe0,0010\)/i.test(r.stdout + r.stderr)) return true;
  try {
    return readPart10(readFileSync(path)).element('PixelData') !== undefined;
  } catch {
    return false;
  }
}

async function attempt<T>(f: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await f() };
  } catch (error) {
    return { error };
  }
}

interface Decoded {
  ds: DicomDataset;
  frames: DecodedFrame[];
}

async function decodeFile(bytes: Buffer): Promise<Decoded> {
  const ds = readPart10(bytes);
  return { ds, frames: await decodeFrames(ds) };
}

/** What a viewer shows: 8-bit colour as RGB (a YBR_FULL reference converted), everything else as stored values. */
function comparable(d: Decoded, f: number): ArrayLike<number> {
  const frame = d.frames[f];
  return frame.samplesPerPixel === 3 && frame.bitsStored <= 8 ? toRgb(frame, d.ds) : frame.pixels;
}

/** Largest and mean absolute difference of two decodings; Infinity when their shapes differ. */
function difference(a: Decoded, b: Decoded): { max: number; mean: number } {
  if (a.frames.length !== b.frames.length) return { max: Infinity, mean: Infinity };
  let max = 0,
    sum = 0,
    n = 0;
  for (let f = 0; f < a.frames.length; f++) {
    const x = comparable(a, f),
      y = comparable(b, f);
    if (x.length !== y.length || a.frames[f].rows !== b.frames[f].rows || a.frames[f].columns !== b.frames[f].columns) return { max: Infinity, mean: Infinity };
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i] - y[i]);
      sum += d;
      if (d > max) max = d;
    }
    n += x.length;
  }
  return { max, mean: sum / n };
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
    // what neither reads: a JPEG 2000 stream with bytes overwritten, a meta without TransferSyntaxUID, a private
    // sequence whose length runs past the end of the file
    expect(neitherReads.sort()).toEqual(['JPEG2000-embedded-sequence-delimiter.dcm', 'meta_missing_tsyntax.dcm', 'nested_priv_SQ.dcm']);
    expect(agreed.length).toBeGreaterThan(40);
    expect(agreed).toEqual(
      expect.arrayContaining(['JPEG-lossy.dcm', 'JPGExtended.dcm', 'J2K_pixelrep_mismatch.dcm', 'badVR.dcm', 'SC_rgb_jpeg.dcm', 'SC_rgb_dcmtk_+eb+cy+s2.dcm']),
    );
  }, 180_000);
});
