import { readFileSync } from 'node:fs';
import { generateUid, readPart10, writePart10 } from '@nidus/dicom';
import { PYDICOM_TEST_FILES } from '@nidus/testing';
import { decodeFrames } from './decode';
import { InvalidPixelModuleError } from './imaging.errors';
import { readPixelModule } from './pixel-module';
import { MalformedNumberOfFramesWarning } from './pixel-module.warnings';

function image(NumberOfFrames: string | number | undefined, frames: number) {
  return readPart10(
    writePart10({
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
      SOPInstanceUID: generateUid(),
      Rows: 2,
      Columns: 3,
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      BitsAllocated: 8,
      BitsStored: 8,
      HighBit: 7,
      PixelRepresentation: 0,
      NumberOfFrames,
      PixelData: Uint8Array.from({ length: 6 * frames }, (_, i) => i),
    }),
  );
}

describe(readPixelModule.name, () => {
  it('reads a malformed NumberOfFrames by its leading digits, with a typed warning (pydicom badVR.dcm: "1A")', async () => {
    const ds = readPart10(readFileSync(`${PYDICOM_TEST_FILES}/badVR.dcm`));
    const m = readPixelModule(ds);
    expect(m.NumberOfFrames).toBe(1);
    expect(m.warnings).toEqual([expect.any(MalformedNumberOfFramesWarning)]);
    expect(m.warnings![0].message).toBe("NumberOfFrames '1A' is not an integer string: read as 1");
    expect(await decodeFrames(ds)).toHaveLength(1);
  });

  it.each([
    ['3X', 3],
    [' 2 frames', 2],
    ['4', 4],
  ])('reads NumberOfFrames %p of a native image holding %d frames', async (value, frames) => {
    const ds = image(value, frames);
    const m = readPixelModule(ds);
    expect(m.NumberOfFrames).toBe(frames);
    expect(m.warnings?.length ?? 0).toBe(value === '4' ? 0 : 1);
    const decoded = await decodeFrames(ds);
    expect(decoded.map((f) => Array.from(f.pixels))).toEqual(Array.from({ length: frames }, (_, f) => Array.from({ length: 6 }, (_, i) => f * 6 + i)));
  });

  it('refuses a NumberOfFrames without any digits with InvalidPixelModuleError', () => {
    expect(() => readPixelModule(image('many', 1))).toThrow(InvalidPixelModuleError);
    expect(() => readPixelModule(image('many', 1))).toThrow("NumberOfFrames 'many' is not an integer");
  });
});
