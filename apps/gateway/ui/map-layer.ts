import type { ParametricMapOverlay } from './stack-types';

/**
 * The colours of a perfusion map's 255 levels (1 low .. 255 high; 0 has no value): dark blue through blue and cyan to
 * yellow, orange and red, as the summary images' Tmax ramp. Green and magenta are left out: they are the colours of
 * the Tmax > 6 s and core outlines drawn over the map.
 */
const STOPS: [number, [number, number, number]][] = [
  [0, [0, 0, 96]],
  [0.25, [0, 64, 255]],
  [0.5, [0, 224, 255]],
  [2 / 3, [255, 255, 0]],
  [5 / 6, [255, 128, 0]],
  [1, [255, 0, 0]],
];

export const MAP_PALETTE: readonly [number, number, number][] = Array.from({ length: 256 }, (_, level) => {
  const at = Math.max(0, level - 1) / 254;
  let k = 0;
  while (k < STOPS.length - 2 && at > STOPS[k + 1][0]) k++;
  const [a, ca] = STOPS[k];
  const [b, cb] = STOPS[k + 1];
  const f = Math.max(0, Math.min(1, (at - a) / (b - a)));
  return [0, 1, 2].map((c) => Math.round(ca[c] + f * (cb[c] - ca[c]))) as [number, number, number];
});

function levels(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** One source image's map as RGBA pixels (Rows x Columns): each level in its colour at `opacity`, no value transparent. */
export function mapPixels(map: ParametricMapOverlay, SOPInstanceUID: string, opacity: number): Uint8ClampedArray<ArrayBuffer> | null {
  const frame = map.frames[SOPInstanceUID];
  if (!frame) return null;
  const values = levels(frame);
  const out = new Uint8ClampedArray(new ArrayBuffer(map.Rows * map.Columns * 4));
  const alpha = Math.round(Math.max(0, Math.min(1, opacity)) * 255);
  for (let i = 0; i < values.length && i < map.Rows * map.Columns; i++) {
    if (!values[i]) continue;
    const [r, g, b] = MAP_PALETTE[values[i]];
    out.set([r, g, b, alpha], i * 4);
  }
  return out;
}

/** The real-world value a level stands for (the centre of its step). */
export function levelValue(map: Pick<ParametricMapOverlay, 'range'>, level: number): number {
  return map.range[0] + ((level - 1) / 254) * (map.range[1] - map.range[0]);
}

/** A horizontal colour bar of the 255 levels, low on the left, one pixel column each. */
export function colourBar(height = 12): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = 255;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(255, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < 255; x++) image.data.set([...MAP_PALETTE[x + 1], 255], (y * 255 + x) * 4);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}
