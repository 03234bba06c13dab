// Upper-layer PDUs (PS3.8 9.3) as plain data.

export const PduType = {
  AssociateRq: 0x01,
  AssociateAc: 0x02,
  AssociateRj: 0x03,
  PDataTf: 0x04,
  ReleaseRq: 0x05,
  ReleaseRp: 0x06,
  Abort: 0x07,
} as const;
export type PduType = (typeof PduType)[keyof typeof PduType];

/** PS3.7 A.2.1: the DICOM application context name. */
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

/** Presentation context of an A-ASSOCIATE-RQ (PS3.8 9.3.2.2). */
export interface ProposedPresentationContext {
  /** odd, 1-255 */
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

/** PS3.8 9.3.3.2 Table 9-18: result/reason of one presentation context. */
export const PresentationContextResult = {
  Acceptance: 0,
  UserRejection: 1,
  NoReason: 2,
  AbstractSyntaxNotSupported: 3,
  TransferSyntaxesNotSupported: 4,
} as const;
export type PresentationContextResult = (typeof PresentationContextResult)[keyof typeof PresentationContextResult];

/** Presentation context of an A-ASSOCIATE-AC (PS3.8 9.3.3.2). */
export interface AcceptedPresentationContext {
  id: number;
  result: PresentationContextResult;
  /** the one transfer syntax chosen; ignored unless accepted */
  transferSyntax: string;
}

/** SCP/SCU role selection sub-item (PS3.7 D.3.3.4). */
export interface RoleSelection {
  sopClassUID: string;
  scuRole: boolean;
  scpRole: boolean;
}

/** User Information item (PS3.8 9.3.2.3, PS3.7 Annex D.3.3). Unknown sub-items are kept as raw bytes. */
export interface UserInformation {
  /** 0 means no limit (PS3.8 D.1) */
  maxPduLength: number;
  implementationClassUID?: string;
  implementationVersionName?: string;
  /** PS3.7 D.3.3.3: maximum operations invoked / performed */
  asyncOperations?: { invoked: number; performed: number };
  roleSelections?: RoleSelection[];
  /** user identity (PS3.7 D.3.3.7): read, never used for anything */
  userIdentityType?: number;
}

export interface AssociateRq {
  protocolVersion: number;
  calledAETitle: string;
  callingAETitle: string;
  applicationContext: string;
  presentationContexts: ProposedPresentationContext[];
  userInformation: UserInformation;
}

export interface AssociateAc {
  protocolVersion: number;
  /** sent back as received in the RQ (PS3.8 9.3.3) */
  calledAETitle: string;
  callingAETitle: string;
  applicationContext: string;
  presentationContexts: AcceptedPresentationContext[];
  userInformation: UserInformation;
}

/** PS3.8 9.3.4 Table 9-21. */
export const RejectResult = { Permanent: 1, Transient: 2 } as const;
export const RejectSource = { ServiceUser: 1, ServiceProviderAcse: 2, ServiceProviderPresentation: 3 } as const;
/** Reasons by source (PS3.8 9.3.4). */
export const RejectReason = {
  /** source 1 */
  User: { NoReasonGiven: 1, ApplicationContextNameNotSupported: 2, CallingAETitleNotRecognized: 3, CalledAETitleNotRecognized: 7 },
  /** source 2 */
  Acse: { NoReasonGiven: 1, ProtocolVersionNotSupported: 2 },
  /** source 3 */
  Presentation: { TemporaryCongestion: 1, LocalLimitExceeded: 2 },
} as const;

export interface AssociateRj {
  result: number;
  source: number;
  reason: number;
}

/** PS3.8 9.3.8 Table 9-26. */
export const AbortSource = { ServiceUser: 0, ServiceProvider: 2 } as const;
export const AbortReason = {
  NotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  UnrecognizedPduParameter: 4,
  UnexpectedPduParameter: 5,
  InvalidPduParameterValue: 6,
} as const;

export interface Abort {
  source: number;
  reason: number;
}
