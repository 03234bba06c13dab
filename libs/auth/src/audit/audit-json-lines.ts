import type { AuditEvent } from './audit-event';

/** The export format: one JSON object per line (JSON Lines, application/x-ndjson), oldest or newest first as read. */
export async function* auditJsonLines(events: AsyncIterable<AuditEvent> | Iterable<AuditEvent>): AsyncGenerator<string> {
  for await (const event of events) yield `${JSON.stringify(event)}\n`;
}

/** Reads an export back; throws naming the line that is not an event. */
export function parseAuditJsonLines(text: string): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let event: AuditEvent;
    try {
      event = JSON.parse(line) as AuditEvent;
    } catch {
      throw new SyntaxError(`line ${index + 1} is not JSON`);
    }
    if (typeof event?.id !== 'string' || typeof event.action !== 'string' || typeof event.time !== 'string')
      throw new SyntaxError(`line ${index + 1} is not an audit event`);
    events.push(event);
  }
  return events;
}
