import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildSecondaryCapture } from '@nidus/dicom';
import { syntheticCtSeries } from '@nidus/testing';
import { renderAlertImage } from './alert-image';

async function pixels(base64: string) {
  return sharp(Buffer.from(base64, 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

/** Two bars, red to x=60 and green to x=270, on a 320 x 200 card. */
const CARD = [
  '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">',
  '<rect width="320" height="200" fill="#101418"/>',
  '<rect x="10" y="56" width="50" height="16" fill="#e53935"/>',
  '<rect x="10" y="100" width="260" height="16" fill="#43a047"/>',
  '</svg>',
].join('');

describe(renderAlertImage.name, () => {
  it("rasterises the analysis's card at the width asked, keeping what it draws where it draws it", async () => {
    for (const width of [320, 160]) {
      const image = await renderAlertImage({ keyImage: { svg: CARD }, width });
      expect(image).toMatchObject({ mediaType: 'image/png', width, height: (200 * width) / 320 });
      const { data, info } = await pixels(image!.base64);
      const s = width / 320;
      const px = (x: number, y: number) => {
        const i = (Math.round(y * s) * info.width + Math.round(x * s)) * info.channels;
        return [data[i], data[i + 1], data[i + 2]];
      };
      expect(px(30, 64)[0]).toBeGreaterThan(150);
      expect(px(100, 64)[0]).toBeLessThan(100);
      expect(px(250, 108)[1]).toBeGreaterThan(100);
      expect(px(290, 108)[1]).toBeLessThan(100);
      expect(Buffer.from(image!.base64, 'base64').length).toBeLessThan(40_000);
    }
  });

  it('scales the key image object down once it exists, and has nothing without a card or an object', async () => {
    const source = syntheticCtSeries({ rows: 8, columns: 8, slices: 1 }).datasets[0];
    const rgb = new Uint8Array(64 * 32 * 3);
    for (let i = 0; i < 64 * 32; i++) rgb.set(i % 64 < 32 ? [0, 0, 255] : [255, 255, 0], i * 3);
    const sc = buildSecondaryCapture({ source, Rows: 32, Columns: 64, frames: [rgb], InstanceNumber: 1 }, { softwareVersion: 'test' });
    const path = join(mkdtempSync(join(tmpdir(), 'nidus-alert-image-')), 'sc.dcm');
    writeFileSync(path, sc.bytes);
    const image = await renderAlertImage({ keyImage: { SOPInstanceUID: sc.SOPInstanceUID, svg: CARD }, keyObjectPath: path, width: 32 });
    expect(image).toMatchObject({ width: 32, height: 16 });
    const { data } = await pixels(image!.base64);
    expect([...data.subarray(0, 3)]).toEqual([0, 0, 255]);
    expect([...data.subarray(31 * 3, 31 * 3 + 3)]).toEqual([255, 255, 0]);
    // before the object is written, the card stands in
    expect(await renderAlertImage({ keyImage: { SOPInstanceUID: sc.SOPInstanceUID, svg: CARD }, keyObjectPath: path + '.missing', width: 160 })).toMatchObject({
      width: 160,
    });
    expect(await renderAlertImage({ keyImage: null, width: 256 })).toBeNull();
  });
});
