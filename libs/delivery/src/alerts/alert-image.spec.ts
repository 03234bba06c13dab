import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { renderAlertImage } from './alert-image';

const results = {
  coreVolumeMl: 20,
  hypoperfusionVolumeMl: 100,
  mismatchVolumeMl: 80,
  mismatchRatio: 5,
  affectedHemisphere: 'left',
  eligibility: { defuse3: true, extend: true },
};

async function pixels(base64: string) {
  return sharp(Buffer.from(base64, 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

describe(renderAlertImage.name, () => {
  it('draws a small PNG of the perfusion numbers, the bars in proportion to the volumes', async () => {
    const image = await renderAlertImage({ kind: 'ctp', results, width: 320 });
    expect(image).toMatchObject({ mediaType: 'image/png', width: 320, height: 200 });
    const { data, info } = await pixels(image!.base64);
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const red = (x: number, y: number) => at(x, y)[0] > 150 && at(x, y)[1] < 100;
    const green = (x: number, y: number) => at(x, y)[1] > 100 && at(x, y)[0] < 120;
    // core 20 mL on a 100 mL scale of 260 px: red to ~x=62; Tmax bar green to ~x=270
    expect(red(30, 64)).toBe(true);
    expect(red(100, 64)).toBe(false);
    expect(green(250, 108)).toBe(true);
    expect(green(290, 108)).toBe(false);
    expect(Buffer.from(image!.base64, 'base64').length).toBeLessThan(40_000);
  });

  it('scales an existing summary image down, and has none for other analyses', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'nidus-alert-image-')), 'summary.png');
    await sharp({ create: { width: 1024, height: 512, channels: 3, background: { r: 0, g: 0, b: 255 } } })
      .png()
      .toFile(path);
    const image = await renderAlertImage({ kind: 'cxr-findings', results: {}, summaryImagePath: path, width: 256 });
    expect(image).toMatchObject({ width: 256, height: 128 });
    const { data } = await pixels(image!.base64);
    expect([...data.subarray(0, 3)]).toEqual([0, 0, 255]);
    expect(await renderAlertImage({ kind: 'cxr-findings', results: {}, width: 256 })).toBeNull();
  });
});
