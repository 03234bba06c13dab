import { JobName } from './job-names';

/**
 * What follows what, in one table. Handlers do their own work and return; the runner enqueues what the
 * graph says comes next, with payloads the handler returns for each follower.
 */
export const JOB_GRAPH: { [N in JobName]: readonly JobName[] } = {
  'series.check-complete': ['analysis.run', 'study.check-complete'],
  'study.check-complete': ['analysis.run'],
  'analysis.run': ['results.deliver', 'alert.evaluate'],
  'results.deliver': ['results.deliver'],
  'alert.evaluate': ['alert.escalate'],
  'alert.escalate': ['alert.escalate'],
};
