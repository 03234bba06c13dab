import { randomUUID } from 'node:crypto';
import type { AuthMethod, Identity } from '../identity';
import type { Role } from '../roles/role.table';
import { AUDIT_ACTION_TABLE, AuditAction, EventActionCode } from './audit-action.table';
import { AuditOutcome, CodedValue, ObjectRole, ObjectType, Outcome, ParticipantObjectIDTypeCode } from './audit-codes';

/** Who acted (PS3.15 A.5.2 Active Participant, the requestor): the verified identity, or what was claimed when it failed. */
export interface AuditActor {
  /** the identity's subject; `anonymous` when none was proven */
  userId: string;
  userName?: string;
  roles: Role[];
  method?: AuthMethod;
  /** NetworkAccessPointID: the client's IP address (after the trusted proxy) or the DIMSE peer's */
  address?: string;
  /** a DICOM peer's calling AE title, or the client's certificate subject */
  alternativeUserId?: string;
}

/** What was acted on (PS3.15 A.5.2 Participant Object Identification). */
export interface AuditParticipantObject {
  typeCode: number;
  roleCode: number;
  idType: CodedValue;
  id: string;
  /** ParticipantObjectName: the patient's name for a patient */
  name?: string;
  /** ParticipantObjectQuery: the query as sent (QIDO query string, audit filter) */
  query?: string;
  /** ParticipantObjectDetail: type -> value */
  detail?: Record<string, string>;
}

/** One audit record: who, what, when, from where, outcome (PS3.15 A.5; RFC 3881). */
export interface AuditEvent {
  id: string;
  action: AuditAction;
  /** EventDateTime, ISO 8601 UTC */
  time: string;
  eventId: CodedValue;
  eventTypes: CodedValue[];
  actionCode: EventActionCode;
  outcome: AuditOutcome;
  outcomeDescription?: string;
  actor: AuditActor;
  /** AuditSourceID: which Nidus process recorded it */
  source: string;
  objects: AuditParticipantObject[];
}

export interface AuditEventInput {
  actor: AuditActor;
  source: string;
  outcome?: AuditOutcome;
  outcomeDescription?: string;
  objects?: AuditParticipantObject[];
  time?: Date;
}

/** An audit event for an action, with the codes of the action table. */
export function createAuditEvent(action: AuditAction, input: AuditEventInput): AuditEvent {
  const definition = AUDIT_ACTION_TABLE[action];
  if (!definition) throw new RangeError(`unknown audit action ${action}`);
  return {
    id: randomUUID(),
    action,
    time: (input.time ?? new Date()).toISOString(),
    eventId: definition.eventId,
    eventTypes: definition.eventTypes,
    actionCode: definition.actionCode,
    outcome: input.outcome ?? Outcome.Success,
    ...(input.outcomeDescription ? { outcomeDescription: oneLine(input.outcomeDescription) } : {}),
    actor: input.actor,
    source: input.source,
    objects: input.objects ?? [],
  };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 512 ? `${line.slice(0, 511)}…` : line;
}

/** The actor of a request: its verified identity, or anonymous with the address it came from. */
export function auditActor(identity: Identity | undefined, address?: string): AuditActor {
  if (!identity) return { userId: 'anonymous', roles: [], ...(address ? { address } : {}) };
  return { userId: identity.subject, userName: identity.name, roles: [...identity.roles], method: identity.method, ...(address ? { address } : {}) };
}

/** Participant objects of the kinds Nidus audits. */
export const AuditObject = {
  patient(PatientID: string, PatientName?: string): AuditParticipantObject {
    return {
      typeCode: ObjectType.Person,
      roleCode: ObjectRole.Patient,
      idType: ParticipantObjectIDTypeCode.PatientNumber,
      id: PatientID,
      ...(PatientName ? { name: PatientName } : {}),
    };
  },
  study(StudyInstanceUID: string, detail?: Record<string, string>): AuditParticipantObject {
    return {
      typeCode: ObjectType.SystemObject,
      roleCode: ObjectRole.Report,
      idType: ParticipantObjectIDTypeCode.StudyInstanceUID,
      id: StudyInstanceUID,
      ...(detail ? { detail } : {}),
    };
  },
  query(query: string, SOPClassUID = '1.2.840.10008.5.1.4.1.2.2.1'): AuditParticipantObject {
    // PS3.15 A.5.3.10: the SOP Class of the query (Study Root Q/R FIND by default), the query itself
    return { typeCode: ObjectType.SystemObject, roleCode: ObjectRole.Report, idType: ParticipantObjectIDTypeCode.SOPClassUID, id: SOPClassUID, query };
  },
  alert(alertId: string, detail?: Record<string, string>): AuditParticipantObject {
    return {
      typeCode: ObjectType.SystemObject,
      roleCode: ObjectRole.Resource,
      idType: ParticipantObjectIDTypeCode.AlertID,
      id: alertId,
      ...(detail ? { detail } : {}),
    };
  },
  apiToken(tokenId: string, name: string, role: Role): AuditParticipantObject {
    return {
      typeCode: ObjectType.SystemObject,
      roleCode: ObjectRole.SecurityUserEntity,
      idType: ParticipantObjectIDTypeCode.UserIdentifier,
      id: `token:${tokenId}`,
      name,
      detail: { role },
    };
  },
  configuration(location: string, detail?: Record<string, string>): AuditParticipantObject {
    return {
      typeCode: ObjectType.SystemObject,
      roleCode: ObjectRole.SecurityResource,
      idType: ParticipantObjectIDTypeCode.Uri,
      id: location,
      ...(detail ? { detail } : {}),
    };
  },
  auditLog(query: string): AuditParticipantObject {
    return { typeCode: ObjectType.SystemObject, roleCode: ObjectRole.Query, idType: ParticipantObjectIDTypeCode.SearchCriteria, id: 'audit', query };
  },
  node(address: string, detail?: Record<string, string>): AuditParticipantObject {
    return {
      typeCode: ObjectType.SystemObject,
      roleCode: ObjectRole.SecurityResource,
      idType: ParticipantObjectIDTypeCode.NodeID,
      id: address,
      ...(detail ? { detail } : {}),
    };
  },
};
