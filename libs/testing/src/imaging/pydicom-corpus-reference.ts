// What is known of the pydicom corpus against GDCM, the reference decoder: where GDCM is wrong, what Nidus refuses on
// purpose, what neither reads. Shared by the decoder's corpus test and the WADO-RS one, so the two cannot drift.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readPart10, type DicomDataset } from '@nidus/dicom';
import { decodeFrames, toRgb, type DecodedFrame } from '@nidus/imaging';
import type { ReferenceTool } from './reference-decoder';

export const GDCM: ReferenceTool = { tool: 'gdcmconv', args: (i, o) => ['--raw', i, o] };

/** Tolerance for lossy syntaxes: a different IDCT / wavelet implementation may round differently. */
export const LOSSY_TOLERANCE = 2;

/**
 * Files where GDCM's reading is wrong, and why. For these Nidus must agree with dcmtk (an independent decoder) or,
 * where dcmtk shares the mistake, with the uncompressed original of the same image.
 */
export const GDCM_DEFECTS: Record<string, string> = {
  'SC_rgb_rle_16bit.dcm': 'GDCM orders the byte segments of 16-bit RGB RLE wrongly (PS3.5 G.2); dcmtk and pydicom agree with Nidus',
  'SC_rgb_rle_32bit.dcm': 'GDCM orders the byte segments of 32-bit RGB RLE wrongly (PS3.5 G.2); dcmtk and pydicom agree with Nidus',
  'SC_rgb_rle_16bit_2frame.dcm': 'gdcmconv fails on two-frame 16-bit RGB RLE; dcmtk agrees with Nidus',
  'SC_rgb_rle_32bit_2frame.dcm': 'gdcmconv fails on two-frame 32-bit RGB RLE; dcmtk agrees with Nidus',
  'SC_rgb_jpeg_lossy_gdcm.dcm':
    'YCbCr 4:2:0 JPEG labelled RGB with no colour marker: GDCM (and dcmtk by default) trust the label; Nidus trusts the subsampling and matches the uncompressed original',
};

/** Files GDCM reads that Nidus refuses on purpose. */
export const REFUSED_ON_PURPOSE: Record<string, string> = {
  'MR_truncated.dcm': 'Pixel Data ends before its length: GDCM fills the missing pixels with zeros; Nidus refuses a partial image (TruncatedDicomError)',
};

/**
 * What neither Nidus nor GDCM reads: a JPEG 2000 stream with bytes overwritten, a meta without TransferSyntaxUID,
 * a private sequence whose length runs past the end of the file.
 */
export const NEITHER_READS = ['JPEG2000-embedded-sequence-delimiter.dcm', 'meta_missing_tsyntax.dcm', 'nested_priv_SQ.dcm'];

/** The uncompressed original of a file whose decoding both reference tools get wrong. */
export const ORIGINALS: Record<string, string> = { 'SC_rgb_jpeg_lossy_gdcm.dcm': 'SC_rgb_rle.dcm' };

/** Pixel Data present as dcmtk sees it (dumped, or named in its complaint about a damaged file), or as our reader does. */
export function hasPixelData(path: string): boolean {
  const r = spawnSync('dcmdump', ['+P', '7fe0,0010', path], { encoding: 'latin1' });
  if (/\(7fe0,0010\)/i.test(r.stdout + r.stderr)) return true;
  try {
    return readPart10(readFileSync(path)).element('PixelData') !== undefined;
  } catch {
    return false;
  }
}

export interface DecodedFile {
  ds: DicomDataset;
  frames: DecodedFrame[];
}

export async function decodeFile(bytes: Buffer): Promise<DecodedFile> {
  const ds = readPart10(bytes);
  return { ds, frames: await decodeFrames(ds) };
}

/** What a viewer shows: 8-bit colour as RGB (a YBR_FULL reference converted), everything else as stored values. */
function comparable(d: DecodedFile, f: number): ArrayLike<number> {
  const frame = d.frames[f];
  return frame.samplesPerPixel === 3 && frame.bitsStored <= 8 ? toRgb(frame, d.ds) : frame.pixels;
}

/** Largest and mean absolute difference of two decodings; Infinity when their shapes differ. */
export function frameDifference(a: DecodedFile, b: DecodedFile): { max: number; mean: number } {
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
