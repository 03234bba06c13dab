/** What routing and an analysis's `accepts` look at: one series, as it stands when it is complete. */
export interface SeriesSummary {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  Modality?: string;
  BodyPartExamined?: string;
  SeriesDescription?: string;
  /** the SOP class most instances have */
  SOPClassUID?: string;
  /** values of ImageType (PS3.3 C.7.6.1.1.2) of the first instance */
  ImageType: string[];
  instanceCount: number;
  /** distinct slice positions along the normal */
  slices: number;
  /** time points: from the 4D layout when the series is one, else 1 */
  timePoints: number;
  callingAETitle?: string;
}
