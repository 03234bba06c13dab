export * from './jobs/job-names';
export * from './jobs/job-graph';
export * from './jobs/job-identity';
export * from './jobs/job-queue.repository';
export * from './jobs/job-runner';
export * from './jobs/bull-queues';
export * from './jobs/queue.errors';
export * from './jobs/redis-probe';
