import sharp from 'sharp';
import { mrStrokeCardSvg } from './mr-stroke-card.svg';

const result = {
  coreVolumeMl: 20,
  hypoperfusionVolumeMl: 100,
  mismatchVolumeMl: 80,
  mismatchRatio: 5,
  eligibility: { defuse3: true, extend: true },
  affectedHemisphere: 'left' as const,
  perfusionAvailable: true,
};

async function red(svg: string): Promise<(x: number, y: number) => number[]> {
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return (x, y) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
}

describe(mrStrokeCardSvg.name, () => {
  it('draws the core and Tmax > 6 s bars on one scale, with the numbers, the verdicts and NOT FOR DIAGNOSTIC USE', async () => {
    const svg = mrStrokeCardSvg(result);
    for (const text of [
      'DWI core (ADC&lt;620) 20.0 mL',
      'Tmax&gt;6s 100.0 mL',
      'Mismatch 80.0 mL, ratio 5.0',
      'DEFUSE 3: yes   EXTEND: yes',
      'Side: left',
      'NOT FOR DIAGNOSTIC USE',
    ])
      expect(svg).toContain(text);
    const px = await red(svg);
    // scale 260 / 100 mL: the core bar ends at x = 10 + 52, the Tmax bar at 10 + 260
    expect(px(55, 64)[0]).toBeGreaterThan(180);
    expect(px(70, 64)[0]).toBeLessThan(60);
    expect(px(265, 108)[1]).toBeGreaterThan(120);
    expect(px(300, 108)[1]).toBeLessThan(60);
    expect(px(300, 205)).toEqual([170, 0, 0]);
  });

  it('says core only when the study had no DSC series', () => {
    const svg = mrStrokeCardSvg({ ...result, hypoperfusionVolumeMl: null, mismatchVolumeMl: null, mismatchRatio: null, perfusionAvailable: false });
    expect(svg).toContain('No perfusion series: core only');
    expect(svg).not.toContain('Tmax');
  });
});
