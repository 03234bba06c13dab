import type { Logger } from '@nidus/observability';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * On SIGTERM or SIGINT: run the steps in order (stop taking work, let in-flight work finish, close
 * connections), within `timeoutMs`; past it, exit anyway. Jobs cut off go back to the queue (Bull's stall check).
 */
export function onShutdown(steps: ShutdownStep[], logger: Logger, timeoutMs = 9000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting with work left to the queue');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        logger.warn({ step: step.name, err: (error as Error).message }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
