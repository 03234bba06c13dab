import Redis from 'ioredis';
import { RedisUnavailableError } from './queue.errors';

/** Fails fast, with a clear reason, when Redis is not there; never hangs. */
export async function probeRedis(url: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: NodeJS.ErrnoException | undefined;
  redis.on('error', (error) => (lastError = error)); // reported through the rejected connect below
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
    ]);
  } catch (error) {
    const e = lastError ?? (error as NodeJS.ErrnoException);
    throw new RedisUnavailableError(url, e.code ?? e.message);
  } finally {
    redis.disconnect();
  }
}
