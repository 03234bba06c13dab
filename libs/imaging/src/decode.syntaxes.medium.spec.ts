import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncapsulatedFrames, readPart10, TransferSyntaxUIDs, writePart10, type DicomElements } from '@nidus/dicom';
import { ctPhantom8BitElements, ctPhantomElements, referenceDecode } from '@nidus/testing';
import { decodeFrames, decodeFrame, findDecoder } from './decode';
import { FrameDecodeError, UnsupportedTransferSyntaxError } from './imaging.errors';

const U = TransferSyntaxUIDs;

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe(findDecoder.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-syntax-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Encodes a native file with a dcmtk or GDCM encoder, returns the encoded path. */
  function encode(elements: DicomElements, name: string, tool: string, args: string[]): string {
    const raw = join(dir, `${name}.raw.dcm`);
    writeFileSync(raw, writePart10(elements));
    const out = join(dir, `${name}.dcm`);
    execFileSync(tool, tool === 'gdcmconv' ? [...args, raw, out] : [...args, raw, out]);
    return out;
  }

  // syntaxes the pydicom corpus lacks, encoded from a 3-frame 12-bit CT phantom (8-bit for baseline)
  const cases: { name: string; uid: string; tool: string; args: string[]; eightBit?: boolean; tolerance: number }[] = [
    { name: 'jpeg-lossless-sv7', uid: U.JPEGLossless, tool: 'dcmcjpeg', args: ['+el', '+sv', '7'], tolerance: 0 },
    { name: 'jpeg-lossless-sv1', uid: U.JPEGLosslessSV1, tool: 'dcmcjpeg', args: ['+e1'], tolerance: 0 },
    { name: 'jpeg-baseline', uid: U.JPEGBaseline8Bit, tool: 'dcmcjpeg', args: ['+eb'], eightBit: true, tolerance: 2 },
    { name: 'jpeg-extended-8bit', uid: U.JPEGExtended12Bit, tool: 'dcmcjpeg', args: ['+ee'], eightBit: true, tolerance: 2 },
    { name: 'jpeg-extended-12bit', uid: U.JPEGExtended12Bit, tool: 'dcmcjpeg', args: ['+ee'], tolerance: 2 },
    { name: 'jpeg-ls-near', uid: U.JPEGLSNearLossless, tool: 'dcmcjpls', args: ['+en', '+md', '3'], tolerance: 0 },
    { name: 'jpeg-ls', uid: U.JPEGLSLossless, tool: 'dcmcjpls', args: [], tolerance: 0 },
    { name: 'rle', uid: U.RLELossless, tool: 'dcmcrle', args: [], tolerance: 0 },
    { name: 'j2k', uid: U.JPEG2000Lossless, tool: 'gdcmconv', args: ['--j2k'], tolerance: 0 },
    { name: 'j2k-lossy', uid: U.JPEG2000, tool: 'gdcmconv', args: ['--j2k', '--lossy', '-q', '40'], tolerance: 1 },
  ];

  it.each(cases)('decodes $name (multi-frame) as the independent decoder does', async (c) => {
    const source = c.eightBit ? ctPhantom8BitElements(48, 40, 3) : ctPhantomElements(48, 40, 3);
    const path = encode(source, c.name, c.tool, c.args);
    const ds = readPart10(readFileSync(path));
    expect(ds.transferSyntaxUID).toBe(c.uid);
    const ours = await decodeFrames(ds);
    const reference = await decodeFrames(readPart10(await referenceDecode(path, c.uid)));
    expect(ours).toHaveLength(3);
    for (let f = 0; f < 3; f++) expect(maxDifference(ours[f].pixels, reference[f].pixels)).toBeLessThanOrEqual(c.tolerance);
    const original = source.PixelData as Uint16Array | Uint8Array;
    const frame = 48 * 40;
    if (c.uid === U.JPEGLSNearLossless) {
      // near-lossless keeps every sample within NEAR of the original (ITU-T T.87)
      for (let f = 0; f < 3; f++) expect(maxDifference(ours[f].pixels, original.subarray(f * frame, (f + 1) * frame))).toBeLessThanOrEqual(3);
    } else if (findDecoder(c.uid).lossless) {
      for (let f = 0; f < 3; f++) expect(Array.from(ours[f].pixels)).toEqual(Array.from(original.subarray(f * frame, (f + 1) * frame)));
    }
  });

  it('decodes HTJ2K, lossless and lossy, written with the OpenJPH encoder (no reference tool reads HTJ2K here)', async () => {
    const { HTJ2KEncoder } = await require('@cornerstonejs/codec-openjph/wasmjs')({ print: () => undefined, printErr: () => undefined });
    const source = ctPhantomElements(40, 56, 2);
    const pixels = source.PixelData as Uint16Array;
    const frames: Uint8Array[] = [];
    for (const lossless of [true, false]) {
      const frames2: Uint8Array[] = [];
      for (let f = 0; f < 2; f++) {
        const encoder = new HTJ2KEncoder();
        const input = pixels.subarray(f * 40 * 56, (f + 1) * 40 * 56);
        encoder
          .getDecodedBuffer({ width: 56, height: 40, bitsPerSample: 12, componentCount: 1, isSigned: false, isUsingColorTransform: false })
          .set(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
        if (!lossless) encoder.setQuality(false, 0.01);
        encoder.encode();
        frames2.push(Uint8Array.from(encoder.getEncodedBuffer()));
        encoder.delete();
      }
      const uid = lossless ? U.HTJ2KLossless : U.HTJ2K;
      const ds = readPart10(writePart10({ ...source, PixelData: new EncapsulatedFrames(frames2) }, { transferSyntaxUID: uid }));
      const decoded = await decodeFrames(ds);
      for (let f = 0; f < 2; f++) {
        const d = maxDifference(decoded[f].pixels, pixels.subarray(f * 40 * 56, (f + 1) * 40 * 56));
        if (lossless) expect(d).toBe(0);
        else expect(d).toBeLessThan(64); // quantised, but the same image
      }
      frames.push(...frames2);
    }
    // a damaged bitstream is a typed error, not garbage
    const broken = frames[0].slice(0, 40);
    const ds = readPart10(
      writePart10({ ...source, NumberOfFrames: undefined, PixelData: new EncapsulatedFrames([broken]) }, { transferSyntaxUID: U.HTJ2KLossless }),
    );
    await expect(decodeFrame(ds)).rejects.toBeInstanceOf(FrameDecodeError);
  });

  it('names the UID of a syntax it has no decoder for', async () => {
    // JPEG 2000 Part 2 (1.2.840.10008.1.2.4.92): same length as the Part 1 UID the writer knows, patched in
    const bytes = writePart10(
      { ...ctPhantomElements(8, 8), PixelData: new EncapsulatedFrames([new Uint8Array(16)]) },
      { transferSyntaxUID: U.JPEG2000Lossless },
    );
    const at = bytes.indexOf(U.JPEG2000Lossless, 0, 'latin1');
    bytes.write('1.2.840.10008.1.2.4.92', at, 'latin1');
    const ds = readPart10(bytes);
    const error = await decodeFrame(ds).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedTransferSyntaxError);
    expect((error as Error).message).toContain('1.2.840.10008.1.2.4.92');
  });
});
