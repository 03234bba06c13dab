// Every queue job Nidus runs: its name, the queue it lives on, and its one typed payload.

export interface JobPayloads {
  /** a series may be complete: check quiet period / expected count, then route it */
  'series.check-complete': {
    SeriesInstanceUID: string;
    instanceCount: number;
    /** the series' revision when above 0 (an instance replaced) */ revision?: number;
  };
  /**
   * a study may hold what a study-level analysis needs: check its complete series' roles, run it if so (deadline: its
   * wait is over). SeriesInstanceUID: the series whose completion asked, so each completion makes its own job.
   */
  'study.check-complete': { StudyInstanceUID: string; analysis: string; deadline: boolean; SeriesInstanceUID: string };
  /** run one analysis (perfusion or a model) */
  'analysis.run': { analysisId: string };
  /** send one result object to one delivery target */
  'results.deliver': { analysisId: string; SOPInstanceUID: string; targetId: string };
  /** decide whether an analysis raises an alert, and send it */
  'alert.evaluate': { analysisId: string };
  /** page the next target of an unacknowledged alert's on-call chain */
  'alert.escalate': { alertId: string; level: number };
}

export type JobName = keyof JobPayloads;

export const QUEUES = {
  ingest: 'nidus-ingest',
  analysis: 'nidus-analysis',
  delivery: 'nidus-delivery',
  alerts: 'nidus-alerts',
} as const;

export type QueueKey = keyof typeof QUEUES;

/** Which queue each job lives on (priorities compare within one queue). */
export const JOB_QUEUE: { [N in JobName]: QueueKey } = {
  'series.check-complete': 'ingest',
  'study.check-complete': 'ingest',
  'analysis.run': 'analysis',
  'results.deliver': 'delivery',
  'alert.evaluate': 'alerts',
  'alert.escalate': 'alerts',
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];

/** Bull priorities: 1 is served first. Stat (stroke) before routine. */
export const PRIORITY = { stat: 1, routine: 10 } as const;
export type Priority = keyof typeof PRIORITY;
