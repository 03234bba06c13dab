// JPEG 2000 whose codestream signedness (SIZ Ssiz) disagrees with PixelRepresentation: the Image Pixel module rules
// (PS3.5 8.2.4: the decoded bits are the stored values, read by PixelRepresentation and BitsStored), as GDCM reads them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateUid, readPart10, TransferSyntaxUIDs, writePart10 } from '@nidus/dicom';
import { SeededRandom, PYDICOM_TEST_FILES, referenceDecode } from '@nidus/testing';
import { decodeFrames } from '../decode';
import { applyModalityLut, modalityLutOf } from '../modality-lut';

describe('JPEG 2000 with a codestream sign that disagrees with PixelRepresentation', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-j2k-sign-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const random = new SeededRandom(1149);
  const hu = Array.from({ length: 32 * 32 }, () => Math.round(random.uniform(-2000, 2000)));

  it.each([
    // GDCM codes the sign of the header it encodes from; dcmodify then changes the header only
    { name: 'unsigned 12-bit codestream, PixelRepresentation 1', bits: 12, pr: 0, pixels: Uint16Array.from(hu, (v) => v & 0xfff), patch: { pr: 1 } },
    { name: 'signed 16-bit codestream, PixelRepresentation 0', bits: 16, pr: 1, pixels: Int16Array.from(hu), patch: { pr: 0 } },
    { name: 'unsigned 12-bit codestream, BitsStored 16 signed', bits: 12, pr: 0, pixels: Uint16Array.from(hu, (v) => v & 0xfff), patch: { pr: 1, bits: 16 } },
  ])('$name: decoded as gdcmconv --raw reads it', async ({ name, bits, pr, pixels, patch }) => {
    const raw = join(dir, `${name.replace(/\W+/g, '-')}.raw.dcm`);
    const j2k = raw.replace('.raw.', '.j2k.');
    writeFileSync(
      raw,
      writePart10({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        SOPInstanceUID: generateUid(),
        Rows: 32,
        Columns: 32,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        BitsAllocated: 16,
        BitsStored: bits,
        HighBit: bits - 1,
        PixelRepresentation: pr,
        PixelData: pixels,
      }),
    );
    execFileSync('gdcmconv', ['--j2k', raw, j2k]);
    const modify = ['-nb', '-m', `(0028,0103)=${patch.pr}`];
    if (patch.bits) modify.push('-m', `(0028,0101)=${patch.bits}`, '-m', `(0028,0102)=${patch.bits - 1}`);
    execFileSync('dcmodify', [...modify, j2k]);
    const ds = readPart10(readFileSync(j2k));
    expect(ds.transferSyntaxUID).toBe(TransferSyntaxUIDs.JPEG2000Lossless);
    const [ours] = await decodeFrames(ds);
    const [gdcm] = await decodeFrames(readPart10(await referenceDecode(j2k, ds.transferSyntaxUID, { tool: 'gdcmconv', args: (i, o) => ['--raw', i, o] })));
    expect(ours.signed).toBe(patch.pr === 1);
    expect(Array.from(ours.pixels)).toEqual(Array.from(gdcm.pixels));
    if (patch.pr === 1 && !patch.bits) expect(Array.from(ours.pixels)).toEqual(hu.map((v) => ((v + 2048) & 0xfff) - 2048)); // two's complement in 12 bits
  });

  it("reads pydicom's J2K_pixelrep_mismatch.dcm (unsigned 13-bit codestream, PixelRepresentation 1) as CT: air near -1000 HU", async () => {
    const ds = readPart10(readFileSync(`${PYDICOM_TEST_FILES}/J2K_pixelrep_mismatch.dcm`));
    const [frame] = await decodeFrames(ds);
    const out = new Float32Array(frame.pixels.length);
    applyModalityLut(frame.pixels, modalityLutOf(ds), out, 0);
    const sorted = Float32Array.from(out).sort();
    const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))];
    expect(at(0)).toBe(-2000); // outside the field of view
    expect(at(0.25)).toBeGreaterThan(-1100); // air
    expect(at(0.25)).toBeLessThan(-900);
    expect(at(0.75)).toBeGreaterThan(0); // soft tissue
    expect(at(0.75)).toBeLessThan(100);
  });
});
