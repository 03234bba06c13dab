import type { ResultView, ViewField } from '@nidus/analysis';
import { ctpQualityCharts } from './ctp-quality-charts';
import { CTP_TITLE, type CtpResult } from './ctp-result';
import { perfusionCardSvg } from './results/ctp-card.svg';

const one = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** The numbers a stroke team acts on (DESIGN.md), as alerts and the review page show them. */
export function ctpFields(r: CtpResult): ViewField[] {
  return [
    { key: 'coreVolumeMl', label: 'Core (rCBF < 30%)', value: one(r.coreVolumeMl), unit: 'mL' },
    { key: 'hypoperfusionVolumeMl', label: 'Hypoperfusion (Tmax > 6 s)', value: one(r.hypoperfusionVolumeMl), unit: 'mL' },
    { key: 'tmax10VolumeMl', label: 'Tmax > 10 s', value: one(r.tmax10VolumeMl), unit: 'mL' },
    { key: 'mismatchVolumeMl', label: 'Mismatch', value: one(r.mismatchVolumeMl), unit: 'mL' },
    { key: 'mismatchRatio', label: 'Mismatch ratio', value: r.mismatchRatio === null ? null : Math.round(r.mismatchRatio * 100) / 100 },
    {
      key: 'hypoperfusionIntensityRatio',
      label: 'Hypoperfusion intensity ratio',
      value: r.hypoperfusionIntensityRatio === null ? null : Math.round(r.hypoperfusionIntensityRatio * 100) / 100,
    },
    { key: 'affectedHemisphere', label: 'Affected hemisphere', value: r.affectedHemisphere },
    { key: 'eligibility.defuse3', label: 'DEFUSE 3', value: r.eligibility.defuse3 },
    { key: 'eligibility.extend', label: 'EXTEND', value: r.eligibility.extend },
    { key: 'quality.confidence', label: 'Quality', value: r.quality?.confidence ?? null },
    // results stored before quality control existed have no qc: their view leaves these out
    ...(r.qc
      ? [
          { key: 'qc.usableBrainFraction', label: 'Usable brain', value: Math.round(r.qc.usableBrainFraction * 100), unit: '%' },
          { key: 'qc.motion.maxShiftMm', label: 'Head motion', value: one(r.qc.motion.maxShiftMm), unit: 'mm' },
          { key: 'qc.bolusTruncated', label: 'Bolus truncated', value: r.qc.bolusTruncated },
        ]
      : []),
  ];
}

/** One line for a pager screen: verdicts first, then the volumes and the side. */
export function ctpSummaryLine(r: CtpResult): string {
  const parts: string[] = [];
  const eligible = [r.eligibility.defuse3 ? 'DEFUSE 3' : '', r.eligibility.extend ? 'EXTEND' : ''].filter(Boolean);
  if (eligible.length) parts.push(`${eligible.join(' and ')} eligible`);
  const ml = (v: number | null) => (v === null ? 'n/a' : `${one(v)} mL`);
  const ratio = r.mismatchRatio === null ? '' : ` (ratio ${one(r.mismatchRatio)})`;
  parts.push(`core ${ml(r.coreVolumeMl)}, Tmax>6s ${ml(r.hypoperfusionVolumeMl)}, mismatch ${ml(r.mismatchVolumeMl)}${ratio}`);
  if (r.affectedHemisphere) parts.push(`${r.affectedHemisphere} hemisphere`);
  // poor quality lowers the confidence, and the same line says why
  if (r.quality && r.quality.confidence !== 'high') parts.push(`${r.quality.confidence.toUpperCase()} CONFIDENCE: ${r.quality.reasons.join(', ')}`);
  return parts.join('; ');
}

export function ctpView(r: CtpResult): ResultView {
  const charts = ctpQualityCharts(r.qc);
  return {
    title: CTP_TITLE,
    summary: ctpSummaryLine(r),
    fields: ctpFields(r),
    keyImage: { svg: perfusionCardSvg(r) },
    ...(r.quality ? { quality: { confidence: r.quality.confidence, reasons: [...r.quality.reasons] } } : {}),
    ...(charts.length ? { charts } : {}),
  };
}
