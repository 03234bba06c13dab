import { createHash } from 'node:crypto';
import { JobName, JobPayloads } from './job-names';

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A job's id is derived from its input, so the same work is never queued twice. */
export function jobId<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  return `${name}:${createHash('sha256').update(stable(payload)).digest('hex').slice(0, 32)}`;
}
