import sharp from 'sharp';
import { windowPresets } from '../window-presets';
import { windowValue } from '../voi-lut';
import { applyColorMap, colorMaps, colorMapTable } from './color-maps';
import { maskContour } from './contour';
import { composeOverlay, renderOverlay } from './overlay';
import { renderFrame } from './render-frame';
import { labelsSvg } from './text-label';
import { renderThumbnail } from './thumbnail';

async function rawOf(image: Buffer) {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

describe(renderFrame.name, () => {
  it('writes a PNG whose grey levels are the window of the HU values, and a JPEG of the same size', async () => {
    const hu = Float32Array.from({ length: 20 * 10 }, (_, i) => -100 + i);
    const png = await renderFrame(hu, { rows: 10, columns: 20 }, windowPresets.brain);
    expect((await sharp(png).metadata()).channels).toBe(1);
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([20, 10, 1]);
    for (const i of [0, 100, 140, 150, 199]) expect(data[i]).toBe(Math.round(windowValue(hu[i], windowPresets.brain)));
    const jpeg = await renderFrame(hu, { rows: 10, columns: 20 }, windowPresets.brain, { format: 'jpeg' });
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});

describe(renderOverlay.name, () => {
  it('blends masks with alpha, draws contours, colour maps and labels', async () => {
    const rows = 40,
      columns = 60;
    const base = new Uint8Array(rows * columns).fill(100);
    const mask = new Uint8Array(rows * columns);
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) mask[y * columns + x] = 1;
    const rgb = composeOverlay({ base, rows, columns, layers: [{ mask, color: [255, 0, 0], alpha: 0.5 }] });
    expect(Array.from(rgb.subarray((20 * columns + 20) * 3, (20 * columns + 20) * 3 + 3))).toEqual([178, 50, 50]);
    expect(Array.from(rgb.subarray(0, 3))).toEqual([100, 100, 100]);
    const contour = maskContour(mask, rows, columns);
    expect(contour[10 * columns + 15]).toBe(1);
    expect(contour[20 * columns + 20]).toBe(0);
    expect(contour.reduce((a, b) => a + b, 0)).toBe(4 * 20 - 4);
    const outline = composeOverlay({ base, rows, columns, layers: [{ mask, color: [0, 255, 0], contourOnly: true }] });
    expect(Array.from(outline.subarray((10 * columns + 15) * 3, (10 * columns + 15) * 3 + 3))).toEqual([0, 255, 0]);
    expect(Array.from(outline.subarray((20 * columns + 20) * 3, (20 * columns + 20) * 3 + 3))).toEqual([100, 100, 100]);

    const withLabel = await rawOf(await renderOverlay({ base, rows, columns, labels: [{ text: 'Core 12 mL <&>', x: 2, y: 36, fontSize: 12 }] }));
    const plain = await rawOf(await renderOverlay({ base, rows, columns }));
    expect(withLabel.info.channels).toBe(3);
    let changed = 0,
      changedTop = 0;
    for (let i = 0; i < plain.data.length; i++)
      if (plain.data[i] !== withLabel.data[i]) {
        changed++;
        if (i < 20 * columns * 3) changedTop++;
      }
    expect(changed).toBeGreaterThan(50); // the text is drawn
    expect(changedTop).toBe(0); // and only where it was placed
    const scaled = await rawOf(await renderOverlay({ base, rows, columns, scale: 2 }, { format: 'jpeg' }));
    expect([scaled.info.width, scaled.info.height]).toEqual([120, 80]);
  });

  it('maps parametric values through the rainbow map with transparency outside the mask', () => {
    const table = colorMapTable(colorMaps.rainbow);
    expect(Array.from(table.subarray(0, 3))).toEqual([0, 0, 128]);
    expect(Array.from(table.subarray(255 * 3))).toEqual([128, 0, 0]);
    const rgba = applyColorMap([0, 5, 10, 20, NaN], colorMaps.rainbow, { min: 0, max: 10, mask: [1, 1, 1, 1, 1], opacity: 0.5 });
    expect(Array.from(rgba.subarray(0, 4))).toEqual([0, 0, 128, 128]);
    expect(Array.from(rgba.subarray(12, 16))).toEqual([128, 0, 0, 128]); // clamped to max
    expect(rgba[19]).toBe(0); // NaN is transparent
    expect(applyColorMap([5], colorMaps.hot, { min: 0, max: 10, mask: [0] })[3]).toBe(0);
  });

  it('escapes label text for SVG', () => {
    expect(labelsSvg([{ text: 'a<b & "c"', x: 1, y: 2 }], 10, 10)).toContain('a&lt;b &amp; &quot;c&quot;');
  });
});

describe(renderThumbnail.name, () => {
  it('fits inside the requested size keeping the aspect', async () => {
    const png = await renderFrame(new Float32Array(300 * 200), { rows: 200, columns: 300 }, windowPresets.brain);
    const thumb = await sharp(await renderThumbnail(png, 64)).metadata();
    expect([thumb.width, thumb.height, thumb.format]).toEqual([64, 43, 'jpeg']);
  });
});
