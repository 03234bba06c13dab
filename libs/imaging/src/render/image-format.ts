import sharp from 'sharp';

export type ImageFormat = 'png' | 'jpeg';

export interface EncodeOptions {
  format?: ImageFormat;
  /** JPEG quality 1..100; default 90 */
  quality?: number;
}

/** Encodes raw 8-bit pixels (1 grey, 3 RGB or 4 RGBA channels) as PNG or JPEG. */
export function encodeRaw(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4, options: EncodeOptions = {}): Promise<Buffer> {
  let image = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels } });
  if (channels === 1) image = image.toColourspace('b-w'); // keep one grey channel instead of sRGB
  return (options.format ?? 'png') === 'png'
    ? image.png().toBuffer()
    : (channels === 4 ? image.flatten({ background: '#000000' }) : image).jpeg({ quality: options.quality ?? 90 }).toBuffer();
}
