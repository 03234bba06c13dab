import type { SeriesSummary } from '@nidus/analysis';
import type { DicomDataset } from '@nidus/dicom';
import { plan4D, Plan4D, sliceGeometryOf, sliceNormal, slicePosition } from '@nidus/imaging';

export interface SeriesFacts {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  Modality?: string | null;
  BodyPartExamined?: string | null;
  SeriesDescription?: string | null;
  callingAETitle?: string | null;
}

function mostCommon(values: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The 4D layout (time points x slices) of a series, or undefined when it is not one (PS3.3 C.7.6.2). */
export function layoutOf(headers: readonly DicomDataset[]): Plan4D | undefined {
  if (headers.length < 2) return undefined;
  try {
    return plan4D(headers);
  } catch {
    return undefined;
  }
}

function distinctPositions(headers: readonly DicomDataset[]): number {
  try {
    const normal = sliceNormal(sliceGeometryOf(headers[0]).ImageOrientationPatient);
    const positions = headers.map((h) => Math.round(slicePosition(sliceGeometryOf(h), normal) * 100));
    return new Set(positions).size;
  } catch {
    return headers.length; // no geometry (SR, SC...): each instance counts as its own
  }
}

/** Summarizes a series from its facts in the index and its instances' headers (ordered by InstanceNumber). */
export function summarizeSeries(series: SeriesFacts, headers: readonly DicomDataset[], layout = layoutOf(headers)): SeriesSummary {
  const safe = (h: DicomDataset, k: string) => {
    try {
      return h.string(k);
    } catch {
      return undefined;
    }
  };
  const first = headers[0];
  return {
    StudyInstanceUID: series.StudyInstanceUID,
    SeriesInstanceUID: series.SeriesInstanceUID,
    Modality: series.Modality ?? (first && safe(first, 'Modality')) ?? undefined,
    BodyPartExamined: series.BodyPartExamined ?? (first && safe(first, 'BodyPartExamined')) ?? undefined,
    SeriesDescription: series.SeriesDescription ?? (first && safe(first, 'SeriesDescription')) ?? undefined,
    SOPClassUID: mostCommon(headers.map((h) => safe(h, 'SOPClassUID'))),
    ImageType: first
      ? (safe(first, 'ImageType') ?? '')
          .split('\\')
          .map((v) => v.trim())
          .filter(Boolean)
      : [],
    instanceCount: headers.length,
    slices: layout ? layout.slices : headers.length ? distinctPositions(headers) : 0,
    timePoints: layout ? layout.timePoints : headers.length ? 1 : 0,
    callingAETitle: series.callingAETitle ?? undefined,
  };
}
