// Restart intervals, one scan per component and three components at 12 bits: streams from the test encoder, decoded
// by dcmtk (dcmdjpeg, IJG 12-bit) as the reference that Nidus's DCT codec has to agree with.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncapsulatedFrames, generateUid, readPart10, TransferSyntaxUIDs, writePart10 } from '@nidus/dicom';
import { encodeTestJpeg, type JpegTestEncodeOptions, SeededRandom, referenceDecode } from '@nidus/testing';
import { decodeFrames } from '../decode';
import { decodeJpegDct } from './jpeg-dct.codec';

const UID = TransferSyntaxUIDs.JPEGExtended12Bit;

/** Smooth shapes plus noise, so blocks carry both low and high frequencies. */
function image(rows: number, columns: number, components: number, precision: number, seed: number): Uint16Array {
  const random = new SeededRandom(seed);
  const max = (1 << precision) - 1;
  const out = new Uint16Array(rows * columns * components);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++)
      for (let c = 0; c < components; c++) {
        const base = (0.5 + 0.35 * Math.sin((x + 7 * c) / 9) * Math.cos((y - 3 * c) / 13)) * max;
        const edge = x > columns / 3 !== y > rows / 2 ? 0.1 * max : 0;
        out[(y * columns + x) * components + c] = Math.max(0, Math.min(max, Math.round(base + edge + random.gaussian() * max * 0.01)));
      }
  return out;
}

describe(`${decodeJpegDct.name} on restart intervals and separate scans`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-jpeg-restart-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each<{ name: string; rows: number; columns: number; options: JpegTestEncodeOptions }>([
    {
      name: 'monochrome, restart every 3 MCUs',
      rows: 48,
      columns: 64,
      options: { precision: 12, sampling: [{ h: 1, v: 1 }], quantization: 4, restartInterval: 3 },
    },
    {
      name: 'monochrome 37x53, restart every MCU',
      rows: 37,
      columns: 53,
      options: { precision: 12, sampling: [{ h: 1, v: 1 }], quantization: 9, restartInterval: 1 },
    },
    {
      name: 'YCbCr 4:4:4 interleaved, restart every 5 MCUs',
      rows: 40,
      columns: 56,
      options: {
        precision: 12,
        sampling: [
          { h: 1, v: 1 },
          { h: 1, v: 1 },
          { h: 1, v: 1 },
        ],
        quantization: 3,
        restartInterval: 5,
      },
    },
    {
      name: 'YCbCr 4:4:4, one scan per component',
      rows: 33,
      columns: 47,
      options: {
        precision: 12,
        sampling: [
          { h: 1, v: 1 },
          { h: 1, v: 1 },
          { h: 1, v: 1 },
        ],
        quantization: 2,
        interleaved: false,
        restartInterval: 4,
      },
    },
    {
      name: 'YCbCr 4:2:2, restart every 2 MCUs',
      rows: 32,
      columns: 50,
      options: {
        precision: 12,
        sampling: [
          { h: 2, v: 1 },
          { h: 1, v: 1 },
          { h: 1, v: 1 },
        ],
        quantization: 2,
        restartInterval: 2,
      },
    },
    {
      name: 'YCbCr 4:2:0, one scan per component',
      rows: 45,
      columns: 38,
      options: {
        precision: 12,
        sampling: [
          { h: 2, v: 2 },
          { h: 1, v: 1 },
          { h: 1, v: 1 },
        ],
        quantization: 2,
        interleaved: false,
      },
    },
  ])('$name: as dcmdjpeg decodes it', async ({ name, rows, columns, options }) => {
    const components = options.sampling.length;
    const samples = image(rows, columns, components, options.precision, rows * columns);
    const jpeg = encodeTestJpeg(samples, rows, columns, options);
    const path = join(dir, `${name.replace(/\W+/g, '-')}.dcm`);
    writeFileSync(
      path,
      writePart10(
        {
          SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
          SOPInstanceUID: generateUid(),
          Rows: rows,
          Columns: columns,
          SamplesPerPixel: components,
          PhotometricInterpretation: components === 3 ? 'YBR_FULL' : 'MONOCHROME2',
          PlanarConfiguration: components === 3 ? 0 : undefined,
          BitsAllocated: 16,
          BitsStored: 12,
          HighBit: 11,
          PixelRepresentation: 0,
          PixelData: new EncapsulatedFrames([jpeg]),
        },
        { transferSyntaxUID: UID },
      ),
    );
    const [ours] = await decodeFrames(readPart10(readFileSync(path)));
    const [reference] = await decodeFrames(readPart10(await referenceDecode(path, UID)));
    expect(ours.photometricInterpretation).toBe(reference.photometricInterpretation);
    let max = 0;
    for (let i = 0; i < ours.pixels.length; i++) max = Math.max(max, Math.abs(ours.pixels[i] - reference.pixels[i]));
    // 1 for the IDCT's rounding; in colour that 1 in Cb or Cr grows by up to 1.772 in the conversion to RGB, plus its rounding
    expect(max).toBeLessThanOrEqual(components === 3 ? 3 : 1);
    // and the image itself, in the coded space, is what was encoded within the quantization (the full-size components:
    // sub-sampled chroma also loses what the encoder's averaging took away)
    const coded = decodeJpegDct(jpeg, UID);
    for (let c = 0; c < components; c++) {
      if (options.sampling[c].h * options.sampling[c].v !== Math.max(...options.sampling.map((s) => s.h * s.v))) continue;
      let sum = 0;
      for (let i = c; i < samples.length; i += components) sum += Math.abs(coded.samples[i] - samples[i]);
      expect(sum / (samples.length / components)).toBeLessThan(4 * Number(options.quantization));
    }
  });
});
