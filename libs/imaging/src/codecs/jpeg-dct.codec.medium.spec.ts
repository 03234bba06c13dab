// 12-bit JPEG Extended (process 4) written by dcmtk, decoded by Nidus's DCT codec and by dcmtk and GDCM.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10, TransferSyntaxUIDs, writePart10 } from '@nidus/dicom';
import { ctPhantomElements, referenceDecode } from '@nidus/testing';
import { decodeFrames, pixelModuleOf } from '../decode';
import { CorruptPixelDataError, FrameDecodeError } from '../imaging.errors';
import { encapsulatedFrame } from '../pixel-data';
import { decodeJpegDct } from './jpeg-dct.codec';

const UID = TransferSyntaxUIDs.JPEGExtended12Bit;

function histogramOfDifferences(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0,
    sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}

describe(decodeJpegDct.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-jpeg12-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function encode(rows: number, columns: number, frames: number, quality: number): string {
    const raw = join(dir, `${rows}x${columns}x${frames}q${quality}.raw.dcm`);
    const out = join(dir, `${rows}x${columns}x${frames}q${quality}.dcm`);
    writeFileSync(raw, writePart10(ctPhantomElements(rows, columns, frames)));
    execFileSync('dcmcjpeg', ['+ee', '+q', String(quality), raw, out]);
    return out;
  }

  it.each([
    { rows: 64, columns: 64, frames: 1, quality: 90 },
    { rows: 37, columns: 53, frames: 2, quality: 75 }, // sizes that are not whole blocks
    { rows: 129, columns: 97, frames: 1, quality: 100 },
    { rows: 200, columns: 120, frames: 1, quality: 30 },
  ])('decodes dcmcjpeg +ee output ($rows x $columns, $frames frames, quality $quality) within 1 of dcmdjpeg and GDCM', async (c) => {
    const path = encode(c.rows, c.columns, c.frames, c.quality);
    const ds = readPart10(readFileSync(path));
    expect(ds.transferSyntaxUID).toBe(UID);
    expect(decodeJpegDct(encapsulatedFrame(ds, pixelModuleOf(ds), 0), UID).precision).toBe(12);
    const ours = await decodeFrames(ds);
    const original = ctPhantomElements(c.rows, c.columns, c.frames).PixelData as Uint16Array;
    const frame = c.rows * c.columns;
    for (const tool of [
      { tool: 'dcmdjpeg', args: (i: string, o: string) => ['+te', i, o] },
      { tool: 'gdcmconv', args: (i: string, o: string) => ['--raw', i, o] },
    ]) {
      const reference = await decodeFrames(readPart10(await referenceDecode(path, UID, tool)));
      for (let f = 0; f < c.frames; f++) {
        const d = histogramOfDifferences(ours[f].pixels, reference[f].pixels);
        expect({ tool: tool.tool, f, max: d.max }).toEqual({ tool: tool.tool, f, max: expect.any(Number) });
        expect(d.max).toBeLessThanOrEqual(1); // floating point IDCT against libjpeg's integer one
        expect(d.mean).toBeLessThan(0.05);
      }
    }
    // and it is the image, in HU: dcmcjpeg shifts stored values to start at 0 and moves RescaleIntercept to match
    const intercept = ds.number('RescaleIntercept')!;
    for (let f = 0; f < c.frames; f++) {
      const hu = Array.from(ours[f].pixels, (v) => v + intercept);
      const truth = Array.from(original.subarray(f * frame, (f + 1) * frame), (v) => v - 1024);
      expect(histogramOfDifferences(hu, truth).mean).toBeLessThan(c.quality >= 75 ? 6 : 25);
    }
  });

  it('raises a typed error for damaged bitstreams, never garbage', async () => {
    const ds = readPart10(readFileSync(encode(32, 32, 1, 90)));
    const frame = encapsulatedFrame(ds, pixelModuleOf(ds), 0);
    const sos = frame.findIndex((b, i) => b === 0xff && frame[i + 1] === 0xda);
    for (const broken of [
      frame.subarray(0, sos),
      Uint8Array.of(0xff, 0xd8, 0xff, 0xc1, 0x00, 0x0b, 0x10, 0, 8, 0, 8, 1, 1, 0x11, 0),
      Uint8Array.of(1, 2, 3, 4),
    ]) {
      let error: unknown;
      try {
        decodeJpegDct(broken, UID);
      } catch (e) {
        error = e;
      }
      expect(error instanceof FrameDecodeError || error instanceof CorruptPixelDataError).toBe(true);
      expect((error as Error).message.length).toBeGreaterThan(10);
    }
  });
});
