import type { AuditEvent } from './audit-event';
import type { AuditSink } from './audit.sink';

/**
 * The record of truth first, then copies: record() resolves when the primary (the database) has the
 * event and rejects when it could not keep it; copies (syslog) are best effort and only counted when they fail.
 */
export class FanOutAuditSink implements AuditSink {
  copyFailures = 0;

  constructor(
    private readonly primary: AuditSink,
    private readonly copies: readonly AuditSink[],
    private readonly onCopyError: (error: unknown) => void = () => undefined,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    await this.primary.record(event);
    for (const copy of this.copies) {
      copy.record(event).catch((error: unknown) => {
        this.copyFailures++;
        this.onCopyError(error);
      });
    }
  }
}
