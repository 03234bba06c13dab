import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { KeyImage } from '@nidus/analysis';
import { readPart10 } from '@nidus/dicom';
import { decodeFrame } from '@nidus/imaging';
import type { AlertPayload } from './alert-payload';

export type AlertImage = NonNullable<AlertPayload['image']>;

async function png(input: sharp.Sharp, width: number): Promise<AlertImage> {
  const { data, info } = await input.resize({ width }).png({ compressionLevel: 9, palette: true }).toBuffer({ resolveWithObject: true });
  return { mediaType: 'image/png', width: info.width, height: info.height, base64: data.toString('base64') };
}

/** The first frame of an 8-bit RGB or greyscale result object (a Secondary Capture), for sharp. */
async function objectImage(path: string): Promise<sharp.Sharp> {
  const frame = await decodeFrame(readPart10(readFileSync(path)));
  const channels = frame.samplesPerPixel === 3 ? 3 : 1;
  return sharp(Buffer.from(frame.pixels.buffer, frame.pixels.byteOffset, frame.pixels.byteLength), {
    raw: { width: frame.columns, height: frame.rows, channels },
  });
}

/**
 * The small picture in an alert: the analysis's key image object scaled down once it exists, else the card the
 * analysis draws from its numbers; null when it has neither.
 */
export async function renderAlertImage(options: { keyImage: KeyImage | null; keyObjectPath?: string | null; width: number }): Promise<AlertImage | null> {
  if (options.keyObjectPath && existsSync(options.keyObjectPath)) return png(await objectImage(options.keyObjectPath), options.width);
  const svg = options.keyImage?.svg;
  if (!svg) return null;
  const declaredWidth = Number(/<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? options.width);
  return png(sharp(Buffer.from(svg), { density: 72 * (options.width / declaredWidth) }), options.width);
}
