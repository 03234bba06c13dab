import { RouteToUnknownAnalysisError } from '@nidus/analysis';
import { ConfigError } from '@nidus/config';
import { RedisUnavailableError } from '@nidus/jobs';
import { DatabaseUnavailableError } from '@nidus/persistence';

/** Exit statuses of `nidus` (README): a bad setting, a service that cannot be reached, an analysis that failed. */
export const EXIT = { failure: 1, config: 2, unavailable: 3, analysis: 4 } as const;

/** The exit status for an error that stopped start-up or a command. */
export function exitStatusOf(error: unknown): number {
  if (error instanceof ConfigError || error instanceof RouteToUnknownAnalysisError) return EXIT.config;
  if (error instanceof DatabaseUnavailableError || error instanceof RedisUnavailableError) return EXIT.unavailable;
  return EXIT.failure;
}

/** Ends the process with one line on stderr naming what went wrong. */
export function exitWith(error: unknown, status = exitStatusOf(error)): never {
  process.stderr.write(`nidus: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(status);
}
