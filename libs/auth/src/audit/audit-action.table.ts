import { CodedValue, EventID, EventTypeCode } from './audit-codes';

/** The audited actions of Nidus. */
export const AUDIT_ACTIONS = [
  'study.query',
  'study.read',
  'study.store',
  'alert.read',
  'alert.raise',
  'alert.page',
  'alert.acknowledge',
  'review.decide',
  'token.create',
  'token.revoke',
  'user.sign-in',
  'user.sign-out',
  'auth.failure',
  'access.denied',
  'node.authentication',
  'config.load',
  'config.view',
  'audit.read',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** EventActionCode (RFC 3881 5.1.2): create, read, update, delete, execute. */
export type EventActionCode = 'C' | 'R' | 'U' | 'D' | 'E';

export interface AuditActionDefinition {
  eventId: CodedValue;
  eventTypes: CodedValue[];
  actionCode: EventActionCode;
}

/** Each action as a DICOM audit message (PS3.15 A.5.3) names it. */
export const AUDIT_ACTION_TABLE: Readonly<Record<AuditAction, AuditActionDefinition>> = {
  // QIDO-RS and study lists (A.5.3.10 Query)
  'study.query': { eventId: EventID.Query, eventTypes: [], actionCode: 'E' },
  // WADO-RS, rendered frames, results and the review page (A.5.3.2 DICOM Instances Accessed)
  'study.read': { eventId: EventID.DicomInstancesAccessed, eventTypes: [], actionCode: 'R' },
  // STOW-RS and C-STORE in (A.5.3.4 DICOM Instances Transferred, create)
  'study.store': { eventId: EventID.DicomInstancesTransferred, eventTypes: [], actionCode: 'C' },
  // an alert names a patient and a finding (A.5.3.7 Patient Record)
  'alert.read': { eventId: EventID.PatientRecord, eventTypes: [], actionCode: 'R' },
  // an alert raised on a result: a record about the patient is made (A.5.3.7, create)
  'alert.raise': { eventId: EventID.PatientRecord, eventTypes: [], actionCode: 'C' },
  // a page to an on-call target carries patient information out of Nidus (A.5.3.5 Data Export)
  'alert.page': { eventId: EventID.Export, eventTypes: [], actionCode: 'R' },
  'alert.acknowledge': { eventId: EventID.PatientRecord, eventTypes: [EventTypeCode.AlertAcknowledged], actionCode: 'U' },
  'review.decide': { eventId: EventID.PatientRecord, eventTypes: [EventTypeCode.ReviewDecision], actionCode: 'U' },
  // A.5.3.11 Security Alert
  'token.create': { eventId: EventID.SecurityAlert, eventTypes: [EventTypeCode.UserSecurityAttributesChanged], actionCode: 'C' },
  'token.revoke': { eventId: EventID.SecurityAlert, eventTypes: [EventTypeCode.UserSecurityAttributesChanged], actionCode: 'D' },
  'access.denied': { eventId: EventID.SecurityAlert, eventTypes: [EventTypeCode.UseOfRestrictedFunction], actionCode: 'E' },
  'node.authentication': { eventId: EventID.SecurityAlert, eventTypes: [EventTypeCode.NodeAuthentication], actionCode: 'E' },
  // A.5.3.12 User Authentication
  'user.sign-in': { eventId: EventID.UserAuthentication, eventTypes: [EventTypeCode.Login], actionCode: 'E' },
  'user.sign-out': { eventId: EventID.UserAuthentication, eventTypes: [EventTypeCode.Logout], actionCode: 'E' },
  'auth.failure': { eventId: EventID.UserAuthentication, eventTypes: [EventTypeCode.Login], actionCode: 'E' },
  // A.5.3.1 Application Activity
  'config.load': { eventId: EventID.ApplicationActivity, eventTypes: [EventTypeCode.ApplicationStart], actionCode: 'E' },
  'config.view': { eventId: EventID.ApplicationActivity, eventTypes: [EventTypeCode.ConfigurationViewed], actionCode: 'R' },
  // A.5.3.6 Audit Log Used (GET /api/audit and its JSON-lines export)
  'audit.read': { eventId: EventID.AuditLogUsed, eventTypes: [], actionCode: 'R' },
};
