import type { ResultView } from '@nidus/analysis';
import type { ReviewEntity } from '@nidus/persistence';

/** One analysis run as the study view shows it. */
export interface StudyAnalysis {
  id: string;
  kind: string;
  title: string;
  SeriesInstanceUID: string;
  status: string;
  priority: string;
  error: string | null;
  queuedAt: string;
  finishedAt: string | null;
  analysisVersion: string | null;
  modelId: string | null;
  modelVersion: string | null;
  supersedesId: string | null;
  /** the newest run of this analysis on this series; false once re-analysis superseded it */
  current: boolean;
  view: ResultView | null;
  objects: { kind: string; SOPInstanceUID: string; SeriesInstanceUID: string; SOPClassUID: string; InstanceNumber: number | null }[];
}

export interface StudyReviewItem extends Omit<ReviewEntity, 'reviewedAt'> {
  reviewedAt: string;
  /** false when the review refers to a run that re-analysis has superseded */
  current: boolean;
}

export interface StudyReview {
  study: {
    StudyInstanceUID: string;
    PatientName: string | null;
    PatientID: string | null;
    PatientBirthDate: string | null;
    PatientSex: string | null;
    AccessionNumber: string | null;
    StudyDate: string | null;
    StudyDescription: string | null;
  };
  series: {
    SeriesInstanceUID: string;
    Modality: string | null;
    SeriesDescription: string | null;
    SeriesNumber: number | null;
    instanceCount: number;
    state: string;
    /** made by Nidus (a SEG, SR or SC of an analysis) */
    result: boolean;
  }[];
  analyses: StudyAnalysis[];
  reviews: StudyReviewItem[];
}

export function reviewItem(r: ReviewEntity, currentRuns: ReadonlySet<string>): StudyReviewItem {
  return { ...r, reviewedAt: r.reviewedAt.toISOString(), current: currentRuns.has(r.analysisId) };
}
