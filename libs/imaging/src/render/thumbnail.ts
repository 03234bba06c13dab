import sharp from 'sharp';
import type { EncodeOptions } from './image-format';

/** A thumbnail of an encoded image (PNG, JPEG), fitting inside maxSize x maxSize with its aspect kept. */
export function renderThumbnail(image: Buffer, maxSize = 128, options: EncodeOptions = {}): Promise<Buffer> {
  const pipeline = sharp(image).resize(maxSize, maxSize, { fit: 'inside', withoutEnlargement: true });
  return (options.format ?? 'jpeg') === 'png'
    ? pipeline.png().toBuffer()
    : pipeline
        .flatten({ background: '#000000' })
        .jpeg({ quality: options.quality ?? 80 })
        .toBuffer();
}
