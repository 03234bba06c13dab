import type { ResultView, ViewField } from '@nidus/analysis';
import { mrStrokeCardSvg } from './mr-stroke-card.svg';
import { MR_STROKE_TITLE, type MrStrokeResult } from './mr-stroke-result';

const one = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
const two = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

export function mrStrokeFields(r: MrStrokeResult): ViewField[] {
  return [
    { key: 'coreVolumeMl', label: 'Core (ADC < 620)', value: one(r.coreVolumeMl), unit: 'mL' },
    { key: 'hypoperfusionVolumeMl', label: 'Hypoperfusion (Tmax > 6 s)', value: one(r.hypoperfusionVolumeMl), unit: 'mL' },
    { key: 'tmax10VolumeMl', label: 'Tmax > 10 s', value: one(r.tmax10VolumeMl), unit: 'mL' },
    { key: 'mismatchVolumeMl', label: 'Mismatch', value: one(r.mismatchVolumeMl), unit: 'mL' },
    { key: 'mismatchRatio', label: 'Mismatch ratio', value: two(r.mismatchRatio) },
    { key: 'hypoperfusionIntensityRatio', label: 'Hypoperfusion intensity ratio', value: two(r.hypoperfusionIntensityRatio) },
    { key: 'affectedHemisphere', label: 'Affected hemisphere', value: r.affectedHemisphere },
    { key: 'eligibility.defuse3', label: 'DEFUSE 3', value: r.eligibility.defuse3 },
    { key: 'eligibility.extend', label: 'EXTEND', value: r.eligibility.extend },
    { key: 'perfusionAvailable', label: 'Perfusion series', value: r.perfusionAvailable },
  ];
}

/** One line for a pager: verdicts, the volumes and the side; "core only" when the study had no DSC series. */
export function mrStrokeSummaryLine(r: MrStrokeResult): string {
  const ml = (v: number | null) => (v === null ? 'n/a' : `${one(v)} mL`);
  const parts: string[] = [];
  const eligible = [r.eligibility.defuse3 ? 'DEFUSE 3' : '', r.eligibility.extend ? 'EXTEND' : ''].filter(Boolean);
  if (eligible.length) parts.push(`${eligible.join(' and ')} eligible`);
  if (r.perfusionAvailable) {
    const ratio = r.mismatchRatio === null ? '' : ` (ratio ${one(r.mismatchRatio)})`;
    parts.push(`DWI core ${ml(r.coreVolumeMl)}, Tmax>6s ${ml(r.hypoperfusionVolumeMl)}, mismatch ${ml(r.mismatchVolumeMl)}${ratio}`);
  } else {
    parts.push(`DWI core ${ml(r.coreVolumeMl)}; no perfusion series: core only`);
  }
  if (r.affectedHemisphere) parts.push(`${r.affectedHemisphere} hemisphere`);
  return parts.join('; ');
}

/** The view of a result; its key image is the card an alert shows (as CT perfusion's). */
export function mrStrokeView(r: MrStrokeResult): ResultView {
  return { title: MR_STROKE_TITLE, summary: mrStrokeSummaryLine(r), fields: mrStrokeFields(r), keyImage: { svg: mrStrokeCardSvg(r) } };
}
