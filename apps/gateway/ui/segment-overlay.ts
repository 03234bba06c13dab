import type { OverlaySegment } from './stack-types';

/** How a segment is drawn: shown or not, and the opacity of its fill (its outline is always opaque). */
export interface SegmentStyle {
  visible: boolean;
  opacity: number;
}

function unpack(base64: string, pixels: number): Uint8Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const out = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) out[i] = (bytes[i >> 3] >> (i & 7)) & 1;
  return out;
}

/**
 * A segment's mask on one source image as RGBA pixels (Rows x Columns): filled in its colour at the opacity asked,
 * its outline (inside pixels with an outside 4-neighbour) opaque, so the core and Tmax > 6 s borders stay visible
 * over each other.
 */
export function segmentPixels(
  segment: OverlaySegment,
  SOPInstanceUID: string,
  rows: number,
  columns: number,
  opacity: number,
): Uint8ClampedArray<ArrayBuffer> | null {
  const frame = segment.frames[SOPInstanceUID];
  if (!frame) return null;
  const mask = unpack(frame, rows * columns);
  const out = new Uint8ClampedArray(new ArrayBuffer(rows * columns * 4));
  const [r, g, b] = segment.rgb;
  const fill = Math.round(Math.max(0, Math.min(1, opacity)) * 255);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const i = y * columns + x;
      if (!mask[i]) continue;
      const edge = x === 0 || y === 0 || x === columns - 1 || y === rows - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - columns] || !mask[i + columns];
      out.set([r, g, b, edge ? 255 : fill], i * 4);
    }
  }
  return out;
}
