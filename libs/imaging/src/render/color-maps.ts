import { InvalidLutError } from '../imaging.errors';

/** A colour map: control points at positions 0..1 with RGB colours, linearly interpolated between. */
export interface ColorMap {
  name: string;
  stops: readonly { at: number; rgb: readonly [number, number, number] }[];
}

/**
 * Nidus's maps. `rainbow` is a jet-like map (dark blue, blue, cyan, green, yellow, red, dark red) as
 * perfusion viewers show CBF, CBV, MTT and Tmax; `hot` runs black, red, yellow, white; `grey` is linear.
 */
export const colorMaps = {
  rainbow: {
    name: 'rainbow',
    stops: [
      { at: 0, rgb: [0, 0, 128] },
      { at: 0.125, rgb: [0, 0, 255] },
      { at: 0.375, rgb: [0, 255, 255] },
      { at: 0.5, rgb: [0, 255, 0] },
      { at: 0.625, rgb: [255, 255, 0] },
      { at: 0.875, rgb: [255, 0, 0] },
      { at: 1, rgb: [128, 0, 0] },
    ],
  },
  hot: {
    name: 'hot',
    stops: [
      { at: 0, rgb: [0, 0, 0] },
      { at: 0.4, rgb: [255, 0, 0] },
      { at: 0.8, rgb: [255, 255, 0] },
      { at: 1, rgb: [255, 255, 255] },
    ],
  },
  grey: {
    name: 'grey',
    stops: [
      { at: 0, rgb: [0, 0, 0] },
      { at: 1, rgb: [255, 255, 255] },
    ],
  },
} as const satisfies Record<string, ColorMap>;

/** 256 RGB entries sampled from a colour map. */
export function colorMapTable(map: ColorMap): Uint8Array {
  const stops = map.stops;
  if (stops.length < 2 || stops[0].at !== 0 || stops[stops.length - 1].at !== 1) throw new InvalidLutError(`colour map ${map.name} must run from 0 to 1`);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const p = i / 255;
    let k = 0;
    while (k < stops.length - 2 && p > stops[k + 1].at) k++;
    const a = stops[k],
      b = stops[k + 1];
    const f = b.at === a.at ? 0 : (p - a.at) / (b.at - a.at);
    for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(a.rgb[c] + (b.rgb[c] - a.rgb[c]) * f);
  }
  return table;
}

export interface ColorMapOptions {
  /** value shown at the bottom / top of the map */
  min: number;
  max: number;
  /** pixels with mask 0 (or a NaN value) are transparent */
  mask?: ArrayLike<number>;
  /** opacity of mapped pixels, 0..1; default 1 */
  opacity?: number;
}

/** A parametric map (CBF, Tmax, ...) through a colour map: RGBA, values clamped to min..max. */
export function applyColorMap(values: ArrayLike<number>, map: ColorMap, options: ColorMapOptions): Uint8Array {
  if (!(options.max > options.min)) throw new InvalidLutError(`colour map range ${options.min}..${options.max} is empty`);
  const table = colorMapTable(map);
  const alpha = Math.round(255 * (options.opacity ?? 1));
  const out = new Uint8Array(values.length * 4);
  const scale = 255 / (options.max - options.min);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v) || (options.mask && !options.mask[i])) continue; // stays transparent
    const k = Math.min(255, Math.max(0, Math.round((v - options.min) * scale)));
    out[i * 4] = table[k * 3];
    out[i * 4 + 1] = table[k * 3 + 1];
    out[i * 4 + 2] = table[k * 3 + 2];
    out[i * 4 + 3] = alpha;
  }
  return out;
}
