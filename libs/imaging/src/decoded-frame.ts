/** Stored pixel values of one frame, in the smallest typed array that holds them. */
export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/**
 * One decoded frame: stored values (before any LUT), high bits masked and sign-extended (PS3.5 8.1.1),
 * colour samples interleaved (pixel after pixel, R G B or Y Cb Cr), index (y * columns + x) * samplesPerPixel + s.
 */
export interface DecodedFrame {
  pixels: PixelArray;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /**
   * Photometric interpretation of `pixels`. It differs from the dataset's when the codec transforms
   * colour (JPEG baseline YBR to RGB, JPEG 2000 YBR_ICT/YBR_RCT to RGB) or YBR_FULL_422 is expanded to YBR_FULL.
   */
  photometricInterpretation: string;
  bitsStored: number;
  signed: boolean;
  /** the dataset's PixelPaddingValue / PixelPaddingRangeLimit (PS3.3 C.7.5.1.1.2), in stored units */
  pixelPaddingValue?: number;
  pixelPaddingRangeLimit?: number;
}

/** A typed array constructor for BitsAllocated (1 bit unpacks to bytes) and sign. */
export function pixelArrayFor(bitsAllocated: number, signed: boolean, length: number): PixelArray {
  if (bitsAllocated <= 8) return signed ? new Int8Array(length) : new Uint8Array(length);
  if (bitsAllocated <= 16) return signed ? new Int16Array(length) : new Uint16Array(length);
  return signed ? new Int32Array(length) : new Uint32Array(length);
}
