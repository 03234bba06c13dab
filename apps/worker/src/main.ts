import { startWorker } from '@nidus/pipeline';
import type { NidusService } from '@nidus/runtime';

/** A worker: consumes the queues with the one handler table. `nidus worker` runs it; many may share one Redis. */
export const workerService: NidusService = {
  name: 'worker',
  start: (context) => startWorker(context),
};
