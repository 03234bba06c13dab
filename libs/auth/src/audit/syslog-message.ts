import { auditMessageXml } from './audit-message.xml';
import type { AuditEvent } from './audit-event';

/** RFC 5424 6.2.1: facility 10 is security/authorization (authpriv), as IHE ATNA (ITI-20) sends audit records. */
const FACILITY_AUTHPRIV = 10;
const SEVERITY = { warning: 4, notice: 5 } as const;

export type AuditPayloadFormat = 'xml' | 'json';

export interface SyslogHeader {
  /** HOSTNAME (RFC 5424 6.2.4); default `-` */
  hostname?: string;
  /** APP-NAME (6.2.5), default nidus */
  appName?: string;
  /** PROCID (6.2.6), default `-` */
  procId?: string | number;
  enterpriseSiteId?: string;
}

/** A header field: printable US-ASCII without spaces, at most `max` characters, `-` when empty (RFC 5424 6). */
function field(value: string | number | undefined, max: number): string {
  const text = String(value ?? '')
    .replace(/[^\x21-\x7e]/g, '')
    .slice(0, max);
  return text || '-';
}

/**
 * One audit event as an RFC 5424 syslog message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - BOM MSG`.
 * The MSG is the DICOM audit message XML (MSGID DICOM+RFC3881, IHE ITI-20) or the JSON event (MSGID NIDUS-AUDIT);
 * a failed outcome is sent as warning, success as notice.
 */
export function syslogMessage(event: AuditEvent, format: AuditPayloadFormat, header: SyslogHeader = {}): Buffer {
  const severity = event.outcome === 0 ? SEVERITY.notice : SEVERITY.warning;
  const pri = FACILITY_AUTHPRIV * 8 + severity;
  const msgId = format === 'xml' ? 'DICOM+RFC3881' : 'NIDUS-AUDIT';
  const head = `<${pri}>1 ${event.time} ${field(header.hostname, 255)} ${field(header.appName ?? 'nidus', 48)} ${field(header.procId, 128)} ${msgId} - `;
  const body = format === 'xml' ? auditMessageXml(event, { enterpriseSiteId: header.enterpriseSiteId }) : JSON.stringify(event);
  // RFC 5424 6.4: a UTF-8 MSG starts with the BOM
  return Buffer.concat([Buffer.from(head, 'ascii'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]);
}

/** RFC 6587 3.4.1 / RFC 5425 4.3 octet counting: `MSG-LEN SP SYSLOG-MSG`, for TCP and TLS. */
export function octetCountedFrame(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
