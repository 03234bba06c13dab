import sharp from 'sharp';
import type { PerfusionResult } from '@nidus/perfusion';
import { ctpQualitySvg, QC_HEIGHT, QC_WIDTH } from './ctp-qc.svg';
import type { RgbImage } from './ctp-summary.renderer';

/** The quality page (ctp-qc.svg.ts) as 8-bit RGB pixels, for a Secondary Capture. */
export async function renderCtpQualityPage(
  result: Pick<PerfusionResult, 'arterialInputFunction' | 'venousOutputFunction' | 'motion' | 'quality'>,
  version: string,
): Promise<RgbImage> {
  const { data, info } = await sharp(Buffer.from(ctpQualitySvg(result, version)))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== QC_WIDTH || info.height !== QC_HEIGHT)
    throw new Error(`sharp returned ${info.width}x${info.height}x${info.channels}`);
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), rows: QC_HEIGHT, columns: QC_WIDTH };
}
