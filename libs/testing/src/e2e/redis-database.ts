import Redis from 'ioredis';

/**
 * The e2e tests start `nidus serve`, whose Redis prefix is the default one; so that they do not share
 * queues with other processes on this Redis, each test file runs its processes on its own database number.
 */
export function redisUrlForDatabase(db: number): string {
  return `redis://127.0.0.1:6379/${db}`;
}

/** Empties one Redis database (only ever the test file's own number), so no job of a previous case remains. */
export async function flushRedisDatabase(db: number): Promise<void> {
  const redis = new Redis(redisUrlForDatabase(db), { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
