/**
 * sRGB (0-255) to DICOM's scaled CIELab (PS3.3 C.10.7.1.1): L* 0..100 -> 0..65535, a* and b* -128..127 -> 0..65535,
 * D65 white point (sRGB's), as RecommendedDisplayCIELabValue wants it.
 */
export function rgbToDicomLab([r, g, b]: readonly [number, number, number]): [number, number, number] {
  const linear = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [linear(r), linear(g), linear(b)];
  // sRGB -> XYZ (D65), normalised by the white point
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const L = 116 * f(y) - 16;
  const a = 500 * (f(x) - f(y));
  const bb = 200 * (f(y) - f(z));
  const clamp = (v: number) => Math.min(65535, Math.max(0, Math.round(v)));
  return [clamp((L * 65535) / 100), clamp(((a + 128) * 65535) / 255), clamp(((bb + 128) * 65535) / 255)];
}

/** DICOM scaled CIELab back to sRGB 0-255 (for tests and previews). */
export function dicomLabToRgb([l, a, b]: readonly [number, number, number]): [number, number, number] {
  const L = (l * 100) / 65535;
  const A = (a * 255) / 65535 - 128;
  const B = (b * 255) / 65535 - 128;
  const fy = (L + 16) / 116;
  const fx = fy + A / 500;
  const fz = fy - B / 200;
  const inv = (t: number) => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const X = inv(fx) * 0.95047,
    Y = inv(fy),
    Z = inv(fz) * 1.08883;
  const R = 3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z;
  const G = -0.969266 * X + 1.8760108 * Y + 0.041556 * Z;
  const Bl = 0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z;
  const gamma = (v: number) => (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
  const to8 = (v: number) => Math.min(255, Math.max(0, Math.round(gamma(v) * 255)));
  return [to8(R), to8(G), to8(Bl)];
}
