import { CorruptPixelDataError } from '../imaging.errors';

/** The frame header (SOF) of a JPEG or JPEG-LS bitstream (ITU-T T.81 B.2.2, T.87 C.2.2). */
export interface JpegFrameHeader {
  /** the SOF marker's low byte: 0xC0 baseline, 0xC1 extended, 0xC3 lossless, 0xF7 JPEG-LS */
  marker: number;
  precision: number;
  rows: number;
  columns: number;
  components: number;
  componentIds: number[];
  /** horizontal << 4 | vertical sampling factor of each component */
  samplingFactors: number[];
  /** a JFIF APP0 segment precedes the frame (it implies YCbCr for three components) */
  jfif: boolean;
  /** the Adobe APP14 colour transform flag (0 none, 1 YCbCr, 2 YCCK), when the segment is present */
  adobeTransform?: number;
  /** offset of the SOF marker in the bitstream */
  offset: number;
}

export function readJpegFrameHeader(bytes: Uint8Array): JpegFrameHeader {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new CorruptPixelDataError('frame does not start with a JPEG SOI marker');
  let i = 2;
  let jfif = false;
  let adobeTransform: number | undefined;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = bytes[i + 1];
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    const isSof = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
    if (marker === 0xe0 && bytes[i + 4] === 0x4a && bytes[i + 5] === 0x46 && bytes[i + 6] === 0x49 && bytes[i + 7] === 0x46) jfif = true;
    // Adobe APP14: 'Adobe', version, flags0, flags1, transform: 12 bytes after the length; shorter ones are ignored, as libjpeg does
    if (marker === 0xee && length >= 14 && String.fromCharCode(...bytes.subarray(i + 4, i + 9)) === 'Adobe') adobeTransform = bytes[i + 15];
    if (isSof) {
      if (i + 10 > bytes.length) break;
      const components = bytes[i + 9];
      const componentIds: number[] = [];
      const samplingFactors: number[] = [];
      for (let c = 0; c < components && i + 12 + 3 * c <= bytes.length; c++) {
        componentIds.push(bytes[i + 10 + 3 * c]);
        samplingFactors.push(bytes[i + 11 + 3 * c]);
      }
      return {
        marker,
        precision: bytes[i + 4],
        rows: (bytes[i + 5] << 8) | bytes[i + 6],
        columns: (bytes[i + 7] << 8) | bytes[i + 8],
        components,
        componentIds,
        samplingFactors,
        jfif,
        adobeTransform,
        offset: i,
      };
    }
    i += 2 + length;
  }
  throw new CorruptPixelDataError('JPEG bitstream has no frame header (SOF)');
}
