import { toDisplayBytes, type Voi } from '../voi-lut';
import { encodeRaw, type EncodeOptions } from './image-format';

export interface FrameSize {
  rows: number;
  columns: number;
}

/**
 * A greyscale frame of modality values (HU for CT) under a window, as PNG or JPEG. MONOCHROME1 is shown
 * inverted (PS3.3 C.7.6.3.1.2).
 */
export function renderFrame(
  values: ArrayLike<number>,
  size: FrameSize,
  voi: Voi,
  options: EncodeOptions & { photometricInterpretation?: string } = {},
): Promise<Buffer> {
  const grey = toDisplayBytes(values, voi, options.photometricInterpretation);
  return encodeRaw(grey, size.columns, size.rows, 1, options);
}

/** An 8-bit RGB frame (see toRgb) as PNG or JPEG. */
export function renderRgbFrame(rgb: Uint8Array, size: FrameSize, options: EncodeOptions = {}): Promise<Buffer> {
  return encodeRaw(rgb, size.columns, size.rows, 3, options);
}
