// The shapes the review API answers (apps/gateway/src/review), as the page reads them.

export interface StackImage {
  SOPInstanceUID: string;
  InstanceNumber: number | null;
  ImagePositionPatient: number[] | null;
  Rows: number;
  Columns: number;
  BitsAllocated: number;
  PixelRepresentation: number;
  SamplesPerPixel: number;
  PhotometricInterpretation: string;
  RescaleSlope: number;
  RescaleIntercept: number;
  WindowCenter: number | null;
  WindowWidth: number | null;
  PixelSpacing: number[] | null;
  ImageOrientationPatient: number[] | null;
}

export interface DisplayStack {
  SeriesInstanceUID: string;
  timePoints: number;
  images: StackImage[];
}

export interface OverlaySegment {
  SegmentNumber: number;
  SegmentLabel: string;
  rgb: [number, number, number];
  frames: Record<string, string>;
}

export interface SegmentationOverlay {
  Rows?: number;
  Columns?: number;
  segments: OverlaySegment[];
}

/** A Parametric Map of an analysis, as listed (GET .../maps). */
export interface MapSummary {
  SOPInstanceUID: string;
  InstanceNumber: number | null;
  label: string;
  meaning: string;
  unit: string;
}

/** One map's levels by source image (GET .../maps/{sop}): 0 no value, 1..255 over `range`. */
export interface ParametricMapOverlay {
  SOPInstanceUID: string;
  label: string;
  meaning: string;
  unit: string;
  range: [number, number];
  Rows: number;
  Columns: number;
  frames: Record<string, string>;
}

export interface ViewChart {
  key: string;
  title: string;
  x: { label: string; unit?: string };
  y: { label: string; unit?: string };
  series: { label: string; colour: string; points: [number, number][]; marked?: number[]; markedLabel?: string }[];
  notes?: string[];
}

export interface ViewField {
  key: string;
  label: string;
  value: number | string | boolean | null;
  unit?: string;
}

export interface ResultView {
  title: string;
  summary: string;
  fields: ViewField[];
  keyImage: { SOPInstanceUID?: string; svg?: string } | null;
  quality?: { confidence: 'high' | 'reduced' | 'low'; reasons: string[] };
  charts?: ViewChart[];
}

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
  modelId: string | null;
  modelVersion: string | null;
  analysisVersion: string | null;
  current: boolean;
  view: ResultView | null;
  objects: { kind: string; SOPInstanceUID: string; SeriesInstanceUID: string; SOPClassUID: string; InstanceNumber: number | null }[];
}

export interface Review {
  id: string;
  analysisId: string;
  findingKey: string;
  decision: 'accepted' | 'rejected' | 'corrected';
  analysisValue: unknown;
  correction: { value?: number; unit?: string; side?: 'left' | 'right' | null } | null;
  comment: string | null;
  reviewer: string;
  reviewerName: string | null;
  reviewedAt: string;
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
    result: boolean;
  }[];
  analyses: StudyAnalysis[];
  reviews: Review[];
}
