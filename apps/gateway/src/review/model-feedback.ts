import type { ReviewEntity } from '@nidus/persistence';

/** How reviewers judged one model version's findings. */
export interface ModelVersionFeedback {
  modelId: string;
  modelVersion: string | null;
  accepted: number;
  rejected: number;
  corrected: number;
  /** decisions counted (the latest per finding of each run) */
  decisions: number;
  /** accepted / decisions; null before any decision */
  acceptanceRate: number | null;
  /** rejected / decisions */
  rejectionRate: number | null;
  /** mean |corrected - analysis| over corrected volumes (mL), and how many */
  meanAbsoluteVolumeDifferenceMl: number | null;
  correctedVolumes: number;
}

export interface ModelFeedback {
  modelId: string;
  versions: ModelVersionFeedback[];
}

/** The model a review counts for: its model id, or the analysis kind when no model produced it. */
export function feedbackModelId(r: Pick<ReviewEntity, 'modelId' | 'kind'>): string {
  return r.modelId ?? r.kind;
}

function isVolume(r: Pick<ReviewEntity, 'findingKey' | 'correction'>): boolean {
  return /volume/i.test(r.findingKey) || r.correction?.unit === 'mL';
}

/**
 * `modelId` is a model's id or an analysis's (`ctp` counts the runs of CT perfusion, whichever deconvolution model).
 * Per version: a reviewer's latest decision on each finding of each run counts once (a change of mind replaces
 * the earlier one in the counts; the rows stay). Rates over all counted decisions; for corrected volumes, the mean
 * absolute difference between the corrected and the analysis's value.
 */
export function modelFeedback(modelId: string, reviews: readonly ReviewEntity[]): ModelFeedback {
  const latest = new Map<string, ReviewEntity>();
  for (const r of reviews) {
    if (feedbackModelId(r) !== modelId && r.kind !== modelId) continue;
    const key = `${r.analysisId} ${r.findingKey} ${r.reviewer}`;
    const seen = latest.get(key);
    if (!seen || r.reviewedAt.getTime() >= seen.reviewedAt.getTime()) latest.set(key, r);
  }
  const byVersion = new Map<string, ReviewEntity[]>();
  for (const r of latest.values()) {
    const version = r.modelId ? r.modelVersion : r.analysisVersion;
    const key = version ?? '';
    byVersion.set(key, [...(byVersion.get(key) ?? []), r]);
  }
  const versions = [...byVersion.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, rows]): ModelVersionFeedback => {
      const count = (d: string) => rows.filter((r) => r.decision === d).length;
      const differences = rows
        .filter((r) => r.decision === 'corrected' && isVolume(r) && typeof r.correction?.value === 'number' && typeof r.analysisValue === 'number')
        .map((r) => Math.abs((r.correction!.value as number) - (r.analysisValue as number)));
      const decisions = rows.length;
      return {
        modelId,
        modelVersion: version || null,
        accepted: count('accepted'),
        rejected: count('rejected'),
        corrected: count('corrected'),
        decisions,
        acceptanceRate: decisions ? count('accepted') / decisions : null,
        rejectionRate: decisions ? count('rejected') / decisions : null,
        meanAbsoluteVolumeDifferenceMl: differences.length ? differences.reduce((a, b) => a + b, 0) / differences.length : null,
        correctedVolumes: differences.length,
      };
    });
  return { modelId, versions };
}
