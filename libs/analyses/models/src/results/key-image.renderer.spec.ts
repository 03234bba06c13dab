import sharp from 'sharp';
import { readPart10, writePart10 } from '@nidus/dicom';
import { decodeFrame, labelsSvg, type TextLabel } from '@nidus/imaging';
import { syntheticRadiograph } from '@nidus/testing';
import { drawTextStrips } from './key-image-text';
import { KEY_IMAGE_BANNER_RGB, renderKeyImage } from './key-image.renderer';

describe(drawTextStrips.name, () => {
  it('draws on its bands what sharp composites over the whole canvas (within 1 grey level) and leaves the rest alone', async () => {
    const width = 300;
    const height = 120;
    // a textured canvas, so that a shifted or misplaced band shows
    const canvas = new Uint8Array(width * height * 3).map((_, i) => (i * 37) % 251);
    const header: TextLabel[] = [
      { text: 'NIDUS demo 1.0.0 | image 3 of 24', x: 10, y: 15, fontSize: 15, bold: true },
      { text: 'Opacity: present, probability 0.93', x: 10, y: 35, fontSize: 13 },
    ];
    const banner: TextLabel[] = [{ text: 'NOT FOR DIAGNOSTIC USE | research output', x: 10, y: 111, fontSize: 13, bold: true }];
    const { data } = await sharp(Buffer.from(canvas), { raw: { width, height, channels: 3 } })
      .composite([{ input: Buffer.from(labelsSvg([...header, ...banner], width, height)), top: 0, left: 0 }])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const drawn = canvas.slice();
    await drawTextStrips(drawn, width, [
      { top: 0, height: 42, labels: header },
      { top: 92, height: 28, labels: banner },
    ]);
    let worst = 0;
    let changed = 0;
    for (let i = 0; i < drawn.length; i++) {
      worst = Math.max(worst, Math.abs(drawn[i] - data[i]));
      if (drawn[i] !== canvas[i]) changed++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(changed).toBeGreaterThan(1000);
    // between the bands nothing is drawn
    expect(drawn.subarray(42 * width * 3, 92 * width * 3)).toEqual(canvas.subarray(42 * width * 3, 92 * width * 3));
  });

  it('a band kept for reuse is the band drawn afresh', async () => {
    const width = 200;
    const band = (fill: number) => new Uint8Array(width * 28 * 3).fill(fill);
    const labels: TextLabel[] = [{ text: 'NOT FOR DIAGNOSTIC USE', x: 10, y: 19, fontSize: 13, bold: true }];
    const first = band(90);
    await drawTextStrips(first, width, [{ top: 0, height: 28, labels, reuse: true }]);
    const again = band(90);
    await drawTextStrips(again, width, [{ top: 0, height: 28, labels, reuse: true }]);
    const fresh = band(90);
    await drawTextStrips(fresh, width, [{ top: 0, height: 28, labels }]);
    expect(again).toEqual(fresh);
    expect(first).toEqual(fresh);
    // another background is not served the kept band
    const other = band(10);
    await drawTextStrips(other, width, [{ top: 0, height: 28, labels, reuse: true }]);
    expect(other[0]).toBe(10);
  });
});

describe(renderKeyImage.name, () => {
  const image = readPart10(
    writePart10(
      syntheticRadiograph({ rows: 600, columns: 500, PhotometricInterpretation: 'MONOCHROME1', opacity: { x: 150, y: 250, radiusPx: 30, contrast: 0.25 } }).elements,
    ),
  );
  const mask = new Uint8Array(600 * 500);
  for (let y = 220; y < 280; y++) for (let x = 120; x < 180; x++) mask[y * 500 + x] = 1;
  const input = { image, masks: [{ mask, colour: [255, 64, 0] as const }], lines: ['NIDUS test 1.0.0', 'Opacity: present, probability 0.91'], footer: 'research output' };

  it("draws the same picture from the runner's decoded pixels as from decoding the image", async () => {
    const stored = Float32Array.from((await decodeFrame(image)).pixels);
    const decoded = await renderKeyImage(input);
    const shared = await renderKeyImage({ ...input, stored });
    expect(shared.rgb).toEqual(decoded.rgb);
    // pixels of the wrong size are not used
    expect((await renderKeyImage({ ...input, stored: new Float32Array(10) })).rgb).toEqual(decoded.rgb);
  });

  it('shows the overlay, the text and the red NOT FOR DIAGNOSTIC USE banner', async () => {
    const key = await renderKeyImage(input);
    const at = (u: number, v: number) => Array.from(key.rgb.subarray((v * key.columns + u) * 3, (v * key.columns + u) * 3 + 3));
    // the mask's contour, in its colour, on the picture (nearest sampling of 500 x 600 to 427 x 512)
    const s = key.image.height / 600;
    expect(at(key.image.left + Math.round(150 * s), key.image.top + Math.round(220 * s) + 1)).toEqual([255, 64, 0]);
    // the banner is red where there is no text, and the text made some pixels light
    expect(at(key.columns - 2, key.banner.top + 2)).toEqual([...KEY_IMAGE_BANNER_RGB]);
    const band = key.rgb.subarray(key.banner.top * key.columns * 3);
    expect(band.some((v, i) => i % 3 === 1 && v > 200)).toBe(true);
    const header = key.rgb.subarray(0, key.image.top * key.columns * 3);
    expect(header.some((v) => v > 200)).toBe(true);
  });
});
