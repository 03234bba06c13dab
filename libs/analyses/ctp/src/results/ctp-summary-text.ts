import type { PerfusionSummary } from '@nidus/perfusion';

/** Volumes as shown to people: one decimal, in mL. */
export function formatVolume(ml: number): string {
  return `${ml.toFixed(1)} mL`;
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? 'n/a' : ratio.toFixed(2);
}

function met(value: boolean): string {
  return value ? 'MET' : 'not met';
}

/** The numbers printed (SVG text collapses runs of spaces, hence the bars) on every summary image and stored in its ImageComments: the same as the JSON and the SR. */
export function summaryLines(summary: PerfusionSummary, coreLabel = 'Ischemic core (rCBF < 30%)'): string[] {
  return [
    `${coreLabel}: ${formatVolume(summary.coreVolumeMl)} | Tmax > 6 s: ${formatVolume(summary.hypoperfusionVolumeMl)}`,
    `Mismatch: ${formatVolume(summary.mismatchVolumeMl)}, ratio ${formatRatio(summary.mismatchRatio)} | Tmax > 10 s: ${formatVolume(summary.tmax10VolumeMl)}, HIR ${formatRatio(summary.hypoperfusionIntensityRatio)}`,
    `DEFUSE 3 criteria: ${met(summary.eligibility.defuse3)} | EXTEND criteria: ${met(summary.eligibility.extend)} | affected side: ${summary.affectedHemisphere ?? 'none'}`,
  ];
}

export const NOT_FOR_DIAGNOSTIC_USE = 'NOT FOR DIAGNOSTIC USE';
