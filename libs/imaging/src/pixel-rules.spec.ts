import { readFileSync } from 'node:fs';
import { generateUid, readPart10, TransferSyntaxUIDs, writePart10, type DicomElements } from '@nidus/dicom';
import { PYDICOM_TEST_FILES, renderWithDcmtk, dicomFromDump } from '@nidus/testing';
import { toRgb } from './color';
import { decodeFrame, decodeFrames } from './decode';
import { CorruptPixelDataError, InvalidPixelModuleError, MissingPixelDataError } from './imaging.errors';
import { applyModalityLut, modalityLutOf } from './modality-lut';
import { storedValues } from './native-pixels';
import { toDisplayBytes } from './voi-lut';

const sc = (extra: DicomElements): DicomElements => ({
  SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
  SOPInstanceUID: generateUid(),
  Modality: 'OT',
  ...extra,
});

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe(storedValues.name, () => {
  it('masks bits above HighBit and sign-extends from BitsStored (PS3.5 8.1.1)', () => {
    const raw = Uint16Array.from([0xf800, 0x07ff, 0xafff, 0x1001, 0x0000]);
    expect(Array.from(storedValues(raw, { BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 1 }))).toEqual([-2048, 2047, -1, 1, 0]);
    expect(Array.from(storedValues(raw, { BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 0 }))).toEqual([2048, 2047, 4095, 1, 0]);
    // HighBit 15 with 12 bits stored: the value sits in the top bits
    expect(
      Array.from(storedValues(Uint16Array.from([0xfff0, 0x0010, 0x800f]), { BitsAllocated: 16, BitsStored: 12, HighBit: 15, PixelRepresentation: 1 })),
    ).toEqual([-1, 1, -2048]);
  });
});

describe(decodeFrame.name, () => {
  it('decodes native data with stray overlay bits, odd lengths and padding attributes', async () => {
    const pixels = Uint16Array.from([0xf800, 0x07ff, 0xafff, 0x1001, 0x0000, 0x0003, 0x0fff, 0x8000, 0x0400]);
    const ds = readPart10(
      writePart10(
        sc({
          Rows: 3,
          Columns: 3,
          SamplesPerPixel: 1,
          PhotometricInterpretation: 'MONOCHROME2',
          BitsAllocated: 16,
          BitsStored: 12,
          HighBit: 11,
          PixelRepresentation: 1,
          PixelPaddingValue: 0xf800,
          PixelData: pixels,
        }),
        { transferSyntaxUID: TransferSyntaxUIDs.ExplicitVRBigEndian },
      ),
    );
    const frame = await decodeFrame(ds);
    expect(Array.from(frame.pixels)).toEqual([-2048, 2047, -1, 1, 0, 3, -1, 0, 1024]);
    expect(frame.pixels).toBeInstanceOf(Int16Array);
    expect(frame.pixelPaddingValue).toBe(-2048);
    // 3 x 3 bytes of 8-bit data: odd length padded to even on writing, read back exactly
    const odd = readPart10(
      writePart10(
        sc({
          Rows: 3,
          Columns: 3,
          SamplesPerPixel: 1,
          PhotometricInterpretation: 'MONOCHROME2',
          BitsAllocated: 8,
          BitsStored: 8,
          HighBit: 7,
          PixelRepresentation: 0,
          PixelData: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
        }),
      ),
    );
    expect(Array.from((await decodeFrame(odd)).pixels)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('raises typed errors for short Pixel Data, a missing frame, no Pixel Data and an impossible module', async () => {
    const base = sc({
      Rows: 4,
      Columns: 4,
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: 0,
    });
    await expect(decodeFrame(readPart10(writePart10({ ...base, PixelData: new Uint16Array(10) })))).rejects.toBeInstanceOf(CorruptPixelDataError);
    await expect(decodeFrame(readPart10(writePart10({ ...base, PixelData: new Uint16Array(16) })), 1)).rejects.toBeInstanceOf(MissingPixelDataError);
    await expect(decodeFrame(readPart10(writePart10(base)))).rejects.toBeInstanceOf(MissingPixelDataError);
    await expect(decodeFrame(readPart10(writePart10({ ...base, BitsStored: 17, PixelData: new Uint16Array(16) })))).rejects.toBeInstanceOf(
      InvalidPixelModuleError,
    );
  });

  it('interleaves colour-by-plane RGB and converts YBR_FULL_422 as dcmtk renders them', async () => {
    const planar = new Uint8Array(5 * 4 * 3);
    for (let i = 0; i < planar.length; i++) planar[i] = (i * 37) % 256;
    const bytes = writePart10(
      sc({
        Rows: 4,
        Columns: 5,
        SamplesPerPixel: 3,
        PhotometricInterpretation: 'RGB',
        PlanarConfiguration: 1,
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PixelRepresentation: 0,
        PixelData: planar,
      }),
    );
    const frame = await decodeFrame(readPart10(bytes));
    expect(Array.from(frame.pixels.subarray(0, 3))).toEqual([planar[0], planar[20], planar[40]]);
    expect(Array.from(toRgb(frame))).toEqual(Array.from(renderWithDcmtk(bytes).pixels));

    const ybrBytes = readFileSync(`${PYDICOM_TEST_FILES}/SC_ybr_full_422_uncompressed.dcm`);
    const ybr = await decodeFrame(readPart10(ybrBytes));
    expect(ybr.photometricInterpretation).toBe('YBR_FULL');
    expect(maxDifference(toRgb(ybr), renderWithDcmtk(ybrBytes).pixels)).toBeLessThanOrEqual(1);
  });

  it('maps PALETTE COLOR through its tables as dcmtk does', async () => {
    const entries = 8;
    const lut = (f: (i: number) => number) => Array.from({ length: entries }, (_, i) => f(i).toString(16).padStart(4, '0')).join('\\'); // OW values are hex in a dump
    const indices = Array.from({ length: 12 }, (_, i) => ((i * 3) % 12) + 100);
    const bytes = dicomFromDump(
      [
        '(0008,0016) UI 1.2.840.10008.5.1.4.1.1.7',
        `(0008,0018) UI ${generateUid()}`,
        '(0008,0060) CS OT',
        '(0028,0002) US 1',
        '(0028,0004) CS PALETTE COLOR',
        '(0028,0010) US 3',
        '(0028,0011) US 4',
        '(0028,0100) US 8',
        '(0028,0101) US 8',
        '(0028,0102) US 7',
        '(0028,0103) US 0',
        `(0028,1101) US ${entries}\\102\\16`,
        `(0028,1102) US ${entries}\\102\\16`,
        `(0028,1103) US ${entries}\\102\\16`,
        `(0028,1201) OW ${lut((i) => i * 8000)}`,
        `(0028,1202) OW ${lut((i) => 65535 - i * 9000)}`,
        `(0028,1203) OW ${lut((i) => (i % 2) * 40000)}`,
        `(7fe0,0010) OB ${indices.map((v) => v.toString(16).padStart(2, '0')).join('\\')}`,
      ].join('\n'),
      '+te',
    );
    const ds = readPart10(bytes);
    const frame = await decodeFrame(ds);
    expect(frame.photometricInterpretation).toBe('PALETTE COLOR');
    const rgb = toRgb(frame, ds);
    // index 100 is below the first mapped value (102): it takes the first entry
    expect(Array.from(rgb.subarray(0, 3))).toEqual([0, 255, 0]);
    expect(Array.from(rgb)).toEqual(Array.from(renderWithDcmtk(bytes).pixels));
  });

  it('windows MONOCHROME1 inverted, as dcmtk renders it', async () => {
    const values = Int16Array.from({ length: 64 }, (_, i) => -200 + i * 9);
    const bytes = writePart10(
      sc({
        Rows: 8,
        Columns: 8,
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME1',
        BitsAllocated: 16,
        BitsStored: 16,
        HighBit: 15,
        PixelRepresentation: 1,
        RescaleSlope: 1,
        RescaleIntercept: 0,
        PixelData: values,
      }),
    );
    const ds = readPart10(bytes);
    const frame = await decodeFrame(ds);
    const hu = applyModalityLut(frame.pixels, modalityLutOf(ds));
    const ours = toDisplayBytes(hu, { center: 40, width: 300 }, frame.photometricInterpretation);
    expect(ours[0]).toBe(255);
    expect(maxDifference(ours, renderWithDcmtk(bytes, '+Ww', '40', '300').pixels)).toBeLessThanOrEqual(1);
  });

  it('decodes every frame of a multi-frame file in order', async () => {
    const frames = await decodeFrames(readPart10(readFileSync(`${PYDICOM_TEST_FILES}/SC_rgb_rle_2frame.dcm`)));
    expect(frames).toHaveLength(2);
    expect(frames[0].pixels).not.toEqual(frames[1].pixels);
  });
});
