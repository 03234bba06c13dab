import type { MrStrokeResult } from './mr-stroke-result';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * The alert's picture of an MR stroke result, as CT perfusion has (320 x 220): the DWI core and the Tmax > 6 s volume
 * as bars on one scale, the mismatch, DEFUSE 3 / EXTEND, the side, and NOT FOR DIAGNOSTIC USE; "core only" when the
 * study had no DSC series.
 */
export function mrStrokeCardSvg(
  r: Pick<
    MrStrokeResult,
    'coreVolumeMl' | 'hypoperfusionVolumeMl' | 'mismatchVolumeMl' | 'mismatchRatio' | 'eligibility' | 'affectedHemisphere' | 'perfusionAvailable'
  >,
): string {
  const core = r.coreVolumeMl;
  const hypo = r.hypoperfusionVolumeMl;
  const scale = 260 / Math.max(core, hypo ?? 0, 50);
  const text = (x: number, y: number, size: number, fill: string, value: string) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="${fill}">${escapeXml(value)}</text>`;
  const yes = (v: boolean) => (v ? 'yes' : 'no');
  const ratio = r.mismatchRatio === null ? '' : `, ratio ${r.mismatchRatio.toFixed(1)}`;
  const perfusion =
    hypo === null || !r.perfusionAvailable
      ? [text(10, 94, 12, '#b0bec5', 'No perfusion series: core only')]
      : [
          text(10, 94, 12, '#80e080', `Tmax>6s ${hypo.toFixed(1)} mL`),
          `<rect x="10" y="100" width="${Math.max(1, hypo * scale).toFixed(1)}" height="16" fill="#43a047"/>`,
          text(10, 140, 12, '#ffffff', `Mismatch ${(r.mismatchVolumeMl ?? 0).toFixed(1)} mL${ratio}`),
        ];
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="220" viewBox="0 0 320 220">',
    '<rect width="320" height="220" fill="#101418"/>',
    text(10, 22, 15, '#ffffff', 'MR stroke (DWI + DSC)'),
    text(10, 50, 12, '#ff8080', `DWI core (ADC<620) ${core.toFixed(1)} mL`),
    `<rect x="10" y="56" width="${Math.max(1, core * scale).toFixed(1)}" height="16" fill="#e53935"/>`,
    ...perfusion,
    text(10, 162, 12, '#ffffff', `DEFUSE 3: ${yes(r.eligibility.defuse3)}   EXTEND: ${yes(r.eligibility.extend)}`),
    text(10, 184, 12, '#b0bec5', `Side: ${r.affectedHemisphere ?? 'none'}`),
    '<rect x="0" y="200" width="320" height="20" fill="#aa0000"/>',
    text(10, 214, 12, '#ffffff', 'NOT FOR DIAGNOSTIC USE'),
    '</svg>',
  ].join('');
}
