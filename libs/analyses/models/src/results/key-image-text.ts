import sharp from 'sharp';
import { labelsSvg, type TextLabel } from '@nidus/imaging';

/** A horizontal band of an RGB canvas and the labels inside it (canvas coordinates). */
export interface TextStrip {
  top: number;
  height: number;
  labels: readonly TextLabel[];
  /** the band's pixels depend only on its labels and width (a uniform background): keep the drawn band for the next image */
  reuse?: boolean;
}

const MAX_REUSED = 16;
/** Bands drawn before, by width, height, background and labels (least recently used dropped first). */
const reused = new Map<string, Uint8Array>();

/** The band's pixels with its labels composited by sharp (librsvg) over them, as RGB. */
async function drawStrip(band: Uint8Array, width: number, strip: TextStrip): Promise<Uint8Array> {
  const labels = strip.labels.map((l) => ({ ...l, y: l.y - strip.top }));
  const { data, info } = await sharp(Buffer.from(band.buffer, band.byteOffset, band.byteLength), { raw: { width, height: strip.height, channels: 3 } })
    .composite([{ input: Buffer.from(labelsSvg(labels, width, strip.height)), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== strip.height) throw new Error(`sharp returned ${info.width}x${info.height}x${info.channels}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Writes text onto an RGB canvas, rendering only the bands that hold it: the SVG rasterised and composited over a
 * band costs in proportion to the band, not to the whole picture (a key image's text is a header and a banner).
 * Labels outside every band are not drawn.
 */
export async function drawTextStrips(canvas: Uint8Array, width: number, strips: readonly TextStrip[]): Promise<void> {
  await Promise.all(
    strips.map(async (strip) => {
      const start = strip.top * width * 3;
      const band = canvas.slice(start, start + strip.height * width * 3);
      const key = strip.reuse ? JSON.stringify([width, strip.height, band[0], band[1], band[2], strip.labels]) : undefined;
      let drawn = key ? reused.get(key) : undefined;
      if (drawn && key) reused.delete(key);
      drawn ??= await drawStrip(band, width, strip);
      if (key) {
        reused.set(key, drawn);
        if (reused.size > MAX_REUSED) reused.delete(reused.keys().next().value!);
      }
      canvas.set(drawn, start);
    }),
  );
}
