import type { PerfusionSummary } from '@nidus/perfusion';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * A small card of the perfusion numbers (320 x 200): core (rCBF < 30 %) and Tmax > 6 s volumes as bars on one
 * scale, mismatch, eligibility and side. The alert's picture until the summary images exist.
 */
export function perfusionCardSvg(
  summary: Pick<PerfusionSummary, 'coreVolumeMl' | 'hypoperfusionVolumeMl' | 'mismatchVolumeMl' | 'mismatchRatio' | 'eligibility' | 'affectedHemisphere'>,
): string {
  const core = summary.coreVolumeMl;
  const hypo = summary.hypoperfusionVolumeMl;
  const scale = 260 / Math.max(core, hypo, 50);
  const text = (x: number, y: number, size: number, fill: string, value: string) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="${fill}">${escapeXml(value)}</text>`;
  const yes = (v: boolean) => (v ? 'yes' : 'no');
  const ratio = summary.mismatchRatio === null ? '' : `, ratio ${summary.mismatchRatio.toFixed(1)}`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">',
    '<rect width="320" height="200" fill="#101418"/>',
    text(10, 22, 15, '#ffffff', 'CT perfusion'),
    text(10, 50, 12, '#ff8080', `Core (rCBF<30%) ${core.toFixed(1)} mL`),
    `<rect x="10" y="56" width="${Math.max(1, core * scale).toFixed(1)}" height="16" fill="#e53935"/>`,
    text(10, 94, 12, '#80e080', `Tmax>6s ${hypo.toFixed(1)} mL`),
    `<rect x="10" y="100" width="${Math.max(1, hypo * scale).toFixed(1)}" height="16" fill="#43a047"/>`,
    text(10, 140, 12, '#ffffff', `Mismatch ${summary.mismatchVolumeMl.toFixed(1)} mL${ratio}`),
    text(10, 162, 12, '#ffffff', `DEFUSE 3: ${yes(summary.eligibility.defuse3)}   EXTEND: ${yes(summary.eligibility.extend)}`),
    text(10, 184, 12, '#b0bec5', `Side: ${summary.affectedHemisphere ?? 'none'}`),
    '</svg>',
  ].join('');
}
