/** A coded value as the DICOM audit message schema carries it (PS3.15 A.5.1: csd-code, codeSystemName, originalText). */
export interface CodedValue {
  code: string;
  scheme: string;
  meaning: string;
}

const dcm = (code: string, meaning: string): CodedValue => ({ code, scheme: 'DCM', meaning });
const rfc3881 = (code: string, meaning: string): CodedValue => ({ code, scheme: 'RFC-3881', meaning });
const nidus = (code: string, meaning: string): CodedValue => ({ code, scheme: 'NIDUS', meaning });

/** Audit Event ID (PS3.16 CID 400). */
export const EventID = {
  ApplicationActivity: dcm('110100', 'Application Activity'),
  AuditLogUsed: dcm('110101', 'Audit Log Used'),
  DicomInstancesAccessed: dcm('110103', 'DICOM Instances Accessed'),
  DicomInstancesTransferred: dcm('110104', 'DICOM Instances Transferred'),
  Export: dcm('110106', 'Export'),
  PatientRecord: dcm('110110', 'Patient Record'),
  Query: dcm('110112', 'Query'),
  SecurityAlert: dcm('110113', 'Security Alert'),
  UserAuthentication: dcm('110114', 'User Authentication'),
} as const;

/** Audit Event Type Code (PS3.16 CID 401), and Nidus's own where DICOM has none. */
export const EventTypeCode = {
  ApplicationStart: dcm('110120', 'Application Start'),
  Login: dcm('110122', 'Login'),
  Logout: dcm('110123', 'Logout'),
  NodeAuthentication: dcm('110126', 'Node Authentication'),
  UseOfRestrictedFunction: dcm('110132', 'Use of Restricted Function'),
  UserSecurityAttributesChanged: dcm('110137', 'User Security Attributes Changed'),
  AlertAcknowledged: nidus('ACK', 'Alert Acknowledged'),
  ReviewDecision: nidus('REVIEW', 'Review Decision'),
  ConfigurationViewed: nidus('CONFIG-VIEW', 'Configuration Viewed'),
} as const;

/** Audit Active Participant Role ID (PS3.16 CID 402). */
export const RoleIDCode = {
  Application: dcm('110150', 'Application'),
  Source: dcm('110153', 'Source Role ID'),
  Destination: dcm('110152', 'Destination Role ID'),
} as const;

/** Participant Object ID Type Code (RFC 3881 5.5.4; PS3.16 CID 404). */
export const ParticipantObjectIDTypeCode = {
  PatientNumber: rfc3881('2', 'Patient Number'),
  SearchCriteria: rfc3881('10', 'Search Criteria'),
  UserIdentifier: rfc3881('11', 'User Identifier'),
  Uri: rfc3881('12', 'URI'),
  StudyInstanceUID: dcm('110180', 'Study Instance UID'),
  SOPClassUID: dcm('110181', 'SOP Class UID'),
  NodeID: dcm('110182', 'Node ID'),
  AlertID: nidus('ALERT', 'Nidus Alert ID'),
} as const;

/** Participant Object Type Code (RFC 3881 5.5.1). */
export const ObjectType = { Person: 1, SystemObject: 2, Organization: 3, Other: 4 } as const;

/** Participant Object Type Code Role (RFC 3881 5.5.2). */
export const ObjectRole = { Patient: 1, Report: 3, Resource: 4, MasterFile: 5, User: 6, SecurityUserEntity: 11, SecurityResource: 13, Query: 24 } as const;

/** EventOutcomeIndicator (RFC 3881 5.1.4): success, minor failure (refused), serious failure, major failure. */
export const Outcome = { Success: 0, MinorFailure: 4, SeriousFailure: 8, MajorFailure: 12 } as const;
export type AuditOutcome = (typeof Outcome)[keyof typeof Outcome];
