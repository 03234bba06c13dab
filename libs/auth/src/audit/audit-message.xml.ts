import type { CodedValue } from './audit-codes';
import type { AuditEvent } from './audit-event';

function escape(text: string): string {
  // XML 1.0 has no place for most control characters: drop them
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function attrs(values: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${escape(String(v))}"`)
    .join('');
}

function coded(element: string, value: CodedValue): string {
  return `<${element}${attrs({ 'csd-code': value.code, codeSystemName: value.scheme, originalText: value.meaning })}/>`;
}

const IP = /^[0-9.]+$|:/;

/**
 * The event as a DICOM audit message (PS3.15 A.5.1 schema), the form ATNA audit record repositories read:
 * EventIdentification, the requestor and Nidus as Active Participants, AuditSourceIdentification, and the
 * Participant Objects. Query and Detail values are base64, as the schema types them.
 */
export function auditMessageXml(event: AuditEvent, options: { enterpriseSiteId?: string } = {}): string {
  const a = event.actor;
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<AuditMessage>'];
  parts.push(`<EventIdentification${attrs({ EventActionCode: event.actionCode, EventDateTime: event.time, EventOutcomeIndicator: event.outcome })}>`);
  parts.push(coded('EventID', event.eventId));
  for (const type of event.eventTypes) parts.push(coded('EventTypeCode', type));
  if (event.outcomeDescription) parts.push(`<EventOutcomeDescription>${escape(event.outcomeDescription)}</EventOutcomeDescription>`);
  parts.push('</EventIdentification>');
  parts.push(
    `<ActiveParticipant${attrs({
      UserID: a.userId,
      AlternativeUserID: a.alternativeUserId,
      UserName: a.userName,
      UserIsRequestor: true,
      NetworkAccessPointID: a.address,
      NetworkAccessPointTypeCode: a.address ? (IP.test(a.address) ? 2 : 1) : undefined,
    })}>`,
  );
  for (const role of a.roles) parts.push(coded('RoleIDCode', { code: role, scheme: 'NIDUS', meaning: role }));
  parts.push('</ActiveParticipant>');
  parts.push(`<ActiveParticipant${attrs({ UserID: event.source, UserIsRequestor: false })}>`);
  parts.push(coded('RoleIDCode', { code: '110150', scheme: 'DCM', meaning: 'Application' }));
  parts.push('</ActiveParticipant>');
  parts.push(`<AuditSourceIdentification${attrs({ AuditEnterpriseSiteID: options.enterpriseSiteId, AuditSourceID: event.source })}>`);
  // RFC 3881 5.4.3 type 4: application server process
  parts.push(coded('AuditSourceTypeCode', { code: '4', scheme: 'DCM', meaning: 'Application Server' }));
  parts.push('</AuditSourceIdentification>');
  for (const o of event.objects) {
    parts.push(
      `<ParticipantObjectIdentification${attrs({ ParticipantObjectID: o.id, ParticipantObjectTypeCode: o.typeCode, ParticipantObjectTypeCodeRole: o.roleCode })}>`,
    );
    parts.push(coded('ParticipantObjectIDTypeCode', o.idType));
    // the schema offers a name or a query, not both
    if (o.name) parts.push(`<ParticipantObjectName>${escape(o.name)}</ParticipantObjectName>`);
    else if (o.query !== undefined) parts.push(`<ParticipantObjectQuery>${Buffer.from(o.query, 'utf8').toString('base64')}</ParticipantObjectQuery>`);
    for (const [type, value] of Object.entries(o.detail ?? {}))
      parts.push(`<ParticipantObjectDetail${attrs({ type, value: Buffer.from(value, 'utf8').toString('base64') })}/>`);
    parts.push('</ParticipantObjectIdentification>');
  }
  parts.push('</AuditMessage>');
  return parts.join('');
}
