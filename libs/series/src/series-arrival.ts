/** What series completion hears of each stored instance (ingest's InstanceHeader fits). */
export interface StoredInstance {
  SeriesInstanceUID: string;
  SOPClassUID: string;
  series: { Modality?: string; BodyPartExamined?: string; SeriesDescription?: string };
  /** NumberOfTemporalPositions (PS3.3 C.7.6.2): a perfusion series announces its time points */
  NumberOfTemporalPositions?: number;
}

/** Told about every instance ingest stores, once it is durable and indexed. */
export interface SeriesArrivalListener {
  instanceStored(instance: StoredInstance, callingAETitle: string | undefined): void;
}
