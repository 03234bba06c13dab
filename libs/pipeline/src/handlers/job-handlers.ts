import { AppContext } from '../app/app-context';
import { JobHandlers } from '../jobs/job-runner';

/** The one table binding each job name to its handler. */
export function createJobHandlers(context: AppContext): JobHandlers {
  const pending = (name: string) => async () => {
    throw new Error(`${name}: handler not wired yet`);
  };
  void context;
  return {
    'series.check-complete': pending('series.check-complete'),
    'analysis.run': pending('analysis.run'),
    'results.deliver': pending('results.deliver'),
    'alert.evaluate': pending('alert.evaluate'),
    'alert.escalate': pending('alert.escalate'),
  };
}
