import type { FindingsManifest } from '@nidus/inference';
import type { ModelAnalysisResult } from '../model-result';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * A small card of a model's findings (320 x 40 + 22 per finding): each finding with its probability as a bar and its
 * volume, and NOT FOR DIAGNOSTIC USE. The alert's picture until the key image exists.
 */
export function modelCardSvg(manifest: Pick<FindingsManifest, 'id' | 'version'>, result: Pick<ModelAnalysisResult, 'findings' | 'measurements'>): string {
  const text = (x: number, y: number, size: number, fill: string, value: string) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="${fill}">${escapeXml(value)}</text>`;
  const height = 62 + 22 * result.findings.length;
  const rows = result.findings.flatMap((f, i) => {
    const y = 48 + 22 * i;
    const volume = result.measurements.find((m) => m.key === f.key && m.quantity === 'volumeMl')?.value;
    const label = `${f.code.CodeMeaning}: ${f.present ? 'present' : 'absent'}${f.probability == null ? '' : ` ${f.probability.toFixed(2)}`}${
      volume == null ? '' : `, ${volume.toFixed(1)} mL`
    }`;
    const bar = f.probability == null ? '' : `<rect x="10" y="${y + 4}" width="${Math.max(1, f.probability * 300).toFixed(1)}" height="4" fill="${f.present ? '#e53935' : '#607d8b'}"/>`;
    return [text(10, y, 12, f.present ? '#ffb0b0' : '#ffffff', label), bar];
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="${height}" viewBox="0 0 320 ${height}">`,
    `<rect width="320" height="${height}" fill="#101418"/>`,
    text(10, 22, 15, '#ffffff', `${manifest.id} ${manifest.version}`),
    ...rows,
    `<rect x="0" y="${height - 20}" width="320" height="20" fill="#aa0000"/>`,
    text(10, height - 6, 12, '#ffffff', 'NOT FOR DIAGNOSTIC USE'),
    '</svg>',
  ].join('');
}
