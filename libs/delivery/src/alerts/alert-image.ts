import { existsSync } from 'node:fs';
import sharp from 'sharp';
import type { AlertPayload } from './alert-payload';

export type AlertImage = NonNullable<AlertPayload['image']>;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * A small card of the perfusion numbers: core (rCBF < 30 %) and Tmax > 6 s volumes as bars on one scale,
 * mismatch, eligibility and side. Drawn as SVG and rasterised by sharp, for when no summary image exists.
 */
export function perfusionCardSvg(results: Record<string, unknown>): string {
  const core = num(results.coreVolumeMl) ?? 0;
  const hypo = num(results.hypoperfusionVolumeMl) ?? 0;
  const mismatch = num(results.mismatchVolumeMl);
  const ratio = num(results.mismatchRatio);
  const eligibility = (results.eligibility ?? {}) as { defuse3?: boolean; extend?: boolean };
  const scale = 260 / Math.max(core, hypo, 50);
  const text = (x: number, y: number, size: number, fill: string, value: string) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="${fill}">${escapeXml(value)}</text>`;
  const yes = (v: boolean | undefined) => (v ? 'yes' : 'no');
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">',
    '<rect width="320" height="200" fill="#101418"/>',
    text(10, 22, 15, '#ffffff', 'CT perfusion'),
    text(10, 50, 12, '#ff8080', `Core (rCBF<30%) ${core.toFixed(1)} mL`),
    `<rect x="10" y="56" width="${Math.max(1, core * scale).toFixed(1)}" height="16" fill="#e53935"/>`,
    text(10, 94, 12, '#80e080', `Tmax>6s ${hypo.toFixed(1)} mL`),
    `<rect x="10" y="100" width="${Math.max(1, hypo * scale).toFixed(1)}" height="16" fill="#43a047"/>`,
    text(10, 140, 12, '#ffffff', `Mismatch ${mismatch === null ? 'n/a' : `${mismatch.toFixed(1)} mL`}${ratio === null ? '' : `, ratio ${ratio.toFixed(1)}`}`),
    text(10, 162, 12, '#ffffff', `DEFUSE 3: ${yes(eligibility.defuse3)}   EXTEND: ${yes(eligibility.extend)}`),
    text(10, 184, 12, '#b0bec5', `Side: ${typeof results.affectedHemisphere === 'string' ? results.affectedHemisphere : 'none'}`),
    '</svg>',
  ].join('');
}

async function png(input: sharp.Sharp, width: number): Promise<AlertImage> {
  const { data, info } = await input.resize({ width }).png({ compressionLevel: 9, palette: true }).toBuffer({ resolveWithObject: true });
  return { mediaType: 'image/png', width: info.width, height: info.height, base64: data.toString('base64') };
}

/**
 * The small picture in an alert: the analysis's summary image scaled down when there is one, else a card
 * drawn from the perfusion numbers; null for other analyses without an image.
 */
export async function renderAlertImage(options: {
  kind: string;
  results: Record<string, unknown>;
  summaryImagePath?: string | null;
  width: number;
}): Promise<AlertImage | null> {
  if (options.summaryImagePath && existsSync(options.summaryImagePath)) return png(sharp(options.summaryImagePath), options.width);
  if (options.kind !== 'ctp') return null;
  return png(sharp(Buffer.from(perfusionCardSvg(options.results)), { density: 72 * (options.width / 320) }), options.width);
}
