import type { JpegFrameHeader } from './jpeg-header';

/**
 * Whether the three components of a DCT JPEG are YCbCr (to be converted to RGB) or RGB already. The markers speak
 * first, as libjpeg reads them: JFIF means YCbCr; an Adobe APP14 segment carries a transform flag; component ids
 * 'R','G','B' mean RGB and 1,2,3 (the JFIF convention) YCbCr; chroma subsampling means YCbCr. Only when none of
 * these speaks does the DICOM Photometric Interpretation decide (PS3.5 8.2.1): RGB, or YCbCr for the YBR terms.
 */
export function jpegComponentsAreYCbCr(h: JpegFrameHeader, photometricInterpretation: string): boolean {
  if (h.components !== 3) return false;
  if (h.jfif) return true;
  if (h.adobeTransform !== undefined) return h.adobeTransform !== 0;
  const ids = h.componentIds.join(',');
  if (ids === '82,71,66') return false;
  if (ids === '1,2,3') return true;
  if (new Set(h.samplingFactors).size > 1) return true;
  return photometricInterpretation !== 'RGB';
}
