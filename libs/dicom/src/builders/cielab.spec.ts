import { dicomLabToRgb, rgbToDicomLab } from './cielab';

describe(rgbToDicomLab.name, () => {
  it('maps white and black to the ends of L* with neutral a* b* (PS3.3 C.10.7.1.1)', () => {
    const white = rgbToDicomLab([255, 255, 255]);
    expect(white[0]).toBe(65535);
    expect(Math.abs(white[1] - 32896)).toBeLessThan(40); // a* = 0 -> 128 * 65535 / 255
    expect(Math.abs(white[2] - 32896)).toBeLessThan(40);
    expect(rgbToDicomLab([0, 0, 0])).toEqual([0, 32896, 32896]);
  });

  it('gives the published CIELab of sRGB red (L* 53.24, a* 80.09, b* 67.20)', () => {
    const [l, a, b] = rgbToDicomLab([255, 0, 0]);
    expect((l * 100) / 65535).toBeCloseTo(53.24, 1);
    expect((a * 255) / 65535 - 128).toBeCloseTo(80.09, 0);
    expect((b * 255) / 65535 - 128).toBeCloseTo(67.2, 0);
  });

  it.each([
    [255, 0, 255],
    [0, 200, 0],
    [30, 144, 255],
    [250, 250, 0],
    [12, 34, 56],
  ])('round-trips rgb(%i, %i, %i) within 1 level', (r, g, b) => {
    const back = dicomLabToRgb(rgbToDicomLab([r, g, b]));
    back.forEach((v, i) => expect(Math.abs(v - [r, g, b][i])).toBeLessThanOrEqual(1));
  });
});
