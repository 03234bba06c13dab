import type { ColorMap } from '@nidus/imaging';

/** A colour map with the value range it spans, for a parametric map and its colour bar. */
export interface RangedColorMap {
  map: ColorMap;
  min: number;
  max: number;
  /** colour bar ticks: value and label */
  ticks: readonly { value: number; label: string }[];
}

/**
 * Tmax 0 to 12 s: dark blue (on time) through cyan to yellow and red (late). Green is left out of the ramp: it is
 * the colour of the Tmax > 6 s outline.
 */
export const TMAX_COLOR_MAP: RangedColorMap = {
  map: {
    name: 'tmax',
    stops: [
      { at: 0, rgb: [0, 0, 96] },
      { at: 3 / 12, rgb: [0, 64, 255] },
      { at: 6 / 12, rgb: [0, 224, 255] },
      { at: 8 / 12, rgb: [255, 255, 0] },
      { at: 10 / 12, rgb: [255, 128, 0] },
      { at: 1, rgb: [255, 0, 0] },
    ],
  },
  min: 0,
  max: 12,
  ticks: [
    { value: 0, label: '0' },
    { value: 6, label: '6' },
    { value: 10, label: '10 s' },
  ],
};

/** rCBF 0 to 120 % of normal: black (no flow) through red and orange to white (normal or more). */
export const RCBF_COLOR_MAP: RangedColorMap = {
  map: {
    name: 'rcbf',
    stops: [
      { at: 0, rgb: [0, 0, 0] },
      { at: 0.25, rgb: [150, 0, 0] },
      { at: 0.5, rgb: [255, 110, 0] },
      { at: 0.75, rgb: [255, 230, 80] },
      { at: 1, rgb: [255, 255, 255] },
    ],
  },
  min: 0,
  max: 1.2,
  ticks: [
    { value: 0, label: '0' },
    { value: 0.3, label: '30' },
    { value: 1, label: '100 %' },
  ],
};

/** Segment colours, the same in the SEG (RecommendedDisplayCIELabValue) and on the summary images. */
export const CORE_RGB: readonly [number, number, number] = [255, 0, 255];
export const HYPOPERFUSION_RGB: readonly [number, number, number] = [0, 255, 0];
