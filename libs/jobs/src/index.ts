export * from './job-names';
export * from './job-graph';
export * from './job-identity';
export * from './job-queue.repository';
export * from './job-runner';
export * from './bull-queues';
export * from './queue.errors';
export * from './redis-probe';
