export * from './handlers/job-handlers';
export * from './handlers/analysis-run.handler';
export * from './handlers/results-deliver.handler';
export * from './handlers/series-check.handler';
export * from './worker/start-worker';
export * from './reconcile/queue-reconciler';
