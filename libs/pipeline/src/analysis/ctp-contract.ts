import type { PerfusionSummary } from '@nidus/perfusion';
import type { CtpSeriesIdentity } from '../ctp/analyze-ctp-files';

/** The JSON of one CT perfusion analysis (DESIGN.md, "Stroke CT perfusion: the contract"). No patient names. */
export interface CtpContract extends PerfusionSummary {
  analysis: 'ctp';
  series: {
    StudyInstanceUID: string;
    SeriesInstanceUID: string;
    SeriesDescription: string | null;
    instances: number;
    slices: number;
    timePoints: number;
  };
  /** seconds per stage */
  timings: Record<string, number>;
}

export function ctpContract(summary: PerfusionSummary, series: CtpSeriesIdentity, warnings: string[], timings: Record<string, number>): CtpContract {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    analysis: 'ctp',
    coreVolumeMl: round(summary.coreVolumeMl),
    hypoperfusionVolumeMl: round(summary.hypoperfusionVolumeMl),
    tmax10VolumeMl: round(summary.tmax10VolumeMl),
    mismatchVolumeMl: round(summary.mismatchVolumeMl),
    mismatchRatio: summary.mismatchRatio === null ? null : round(summary.mismatchRatio),
    hypoperfusionIntensityRatio: summary.hypoperfusionIntensityRatio === null ? null : round(summary.hypoperfusionIntensityRatio),
    affectedHemisphere: summary.affectedHemisphere,
    eligibility: { ...summary.eligibility },
    warnings,
    series: {
      StudyInstanceUID: series.StudyInstanceUID,
      SeriesInstanceUID: series.SeriesInstanceUID,
      SeriesDescription: series.SeriesDescription ?? null,
      instances: series.instances,
      slices: series.SOPInstanceUIDs[0]?.length ?? 0,
      timePoints: series.SOPInstanceUIDs.length,
    },
    timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v)])),
  };
}
