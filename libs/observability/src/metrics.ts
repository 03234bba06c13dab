import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one process. One instance per app (no global registry: tests stay isolated). */
export class Metrics {
  readonly registry = new Registry();

  readonly instancesReceived = new Counter({
    name: 'nidus_instances_received_total',
    help: 'DICOM instances received, by protocol and outcome',
    labelNames: ['protocol', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly bytesReceived = new Counter({
    name: 'nidus_bytes_received_total',
    help: 'Bytes of DICOM stored',
    labelNames: ['protocol'] as const,
    registers: [this.registry],
  });
  readonly analyses = new Counter({
    name: 'nidus_analyses_total',
    help: 'Analyses finished, by kind and status',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });
  readonly statAnalysisFailures = new Counter({
    name: 'nidus_stat_analysis_failures_total',
    help: 'Stat-priority analyses that failed or were refused (each raises the failure alert of its rules), by kind and reason',
    labelNames: ['kind', 'reason'] as const,
    registers: [this.registry],
  });
  readonly analysisSeconds = new Histogram({
    name: 'nidus_analysis_duration_seconds',
    help: 'Wall time of analyses',
    labelNames: ['kind'] as const,
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'nidus_jobs_total',
    help: 'Queue jobs handled, by name and outcome',
    labelNames: ['name', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'nidus_deliveries_total',
    help: 'Tries at sending a result object, by target and outcome: delivered, retry (tried again later), rejected (refused for good), failed (out of retries)',
    labelNames: ['target', 'outcome'] as const,
    registers: [this.registry],
  });
  /** set at each scrape from the database (the delivery table is the truth, whichever process tried) */
  readonly deliveriesWaiting = new Gauge({
    name: 'nidus_deliveries_waiting',
    help: 'Result objects not yet at a target: queued or waiting for their next try',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });
  readonly deliveriesFailed = new Gauge({
    name: 'nidus_deliveries_failed',
    help: 'Result objects that failed for good at a target (refused, or out of retries) and were not resent',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });
  readonly timeToAlertSeconds = new Histogram({
    name: 'nidus_time_to_alert_seconds',
    help: 'Last instance received to alert webhook answered 2xx',
    buckets: [1, 2, 5, 10, 15, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'nidus_auth_failures_total',
    help: 'Requests refused for want of a valid credential (401), too many failures (429) or a role (403)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly auditWriteFailures = new Counter({
    name: 'nidus_audit_write_failures_total',
    help: 'Audit events that could not be written: to the database (trail) or to the syslog copy (syslog)',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });
  readonly reviewDecisions = new Counter({
    name: 'nidus_review_decisions_total',
    help: 'Review decisions recorded on the review page, by model (or analysis), version and decision',
    labelNames: ['model', 'version', 'decision'] as const,
    registers: [this.registry],
  });
  readonly dependencyUp = new Gauge({
    name: 'nidus_dependency_up',
    help: '1 when a dependency answers (database, redis)',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'nidus_' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
