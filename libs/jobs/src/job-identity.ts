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

/**
 * The id of try `attempt` (1 = the first) in round `round` (0, then one more per resend) of one delivery. The first
 * try of the first round has the plain id, so the analysis's follow-up and a reconciled job are the same job.
 */
export function deliveryJobId(payload: JobPayloads['results.deliver'], round: number, attempt: number): string {
  const base = jobId('results.deliver', payload);
  return round === 0 && attempt === 1 ? base : `${base}:r${round}:a${attempt}`;
}
