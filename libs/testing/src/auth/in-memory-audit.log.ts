import type { AuditEvent } from '@nidus/auth';
import { AuditQuery, AuditReader, AuditSink, matchesAuditQuery } from '@nidus/auth';

/** An append-only audit log in an array: AuditSink and AuditReader for unit tests. */
export class InMemoryAuditLog implements AuditSink, AuditReader {
  readonly events: AuditEvent[] = [];
  failNext?: Error;

  async record(event: AuditEvent): Promise<void> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    this.events.push(structuredClone(event));
  }

  async query(query: AuditQuery): Promise<AuditEvent[]> {
    const newestFirst = [...this.events].reverse();
    const start = query.before ? newestFirst.findIndex((e) => e.id === query.before) + 1 : 0;
    return newestFirst
      .slice(start)
      .filter((e) => matchesAuditQuery(e, query))
      .slice(0, Math.min(query.limit ?? 100, 1000));
  }
}
