/** Redis cannot be reached at start-up. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`cannot reach Redis at ${url} (${reason}); start it (e.g. \`redis-server --daemonize yes\`) or set REDIS_URL`);
  }
}

/** The job table and the registered handlers disagree: a job with no handler, or with two. */
export class JobRegistrationError extends Error {
  override name = 'JobRegistrationError';
}
