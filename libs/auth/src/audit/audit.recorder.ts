import type { Identity } from '../identity';
import type { AuditAction } from './audit-action.table';
import type { AuditOutcome } from './audit-codes';
import { AuditActor, auditActor, AuditEvent, AuditParticipantObject, createAuditEvent } from './audit-event';
import type { AuditSink } from './audit.sink';

/** One audited action: who (a verified identity, or another actor), from where, what, and how it ended. */
export interface AuditRecord {
  /** the verified identity; absent (and no actor): anonymous */
  identity?: Identity;
  /** instead of an identity: Nidus itself (applicationActor) or a DICOM peer (dicomPeerActor) */
  actor?: AuditActor;
  /** the client's address, when `identity` is given */
  address?: string;
  outcome?: AuditOutcome;
  outcomeDescription?: string;
  objects?: AuditParticipantObject[];
}

/** Nidus acting on its own (raising and paging alerts, starting up). */
export function applicationActor(source: string): AuditActor {
  return { userId: source, userName: 'Nidus', roles: [] };
}

/** A DICOM peer by its calling AE title, address and, over mutual TLS, its certificate's subject (PS3.15 A.5.2). */
export function dicomPeerActor(callingAETitle: string, address: string, certificateSubject?: string): AuditActor {
  return {
    userId: `dicom:${callingAETitle}`,
    userName: callingAETitle,
    roles: [],
    address,
    ...(certificateSubject ? { alternativeUserId: certificateSubject } : {}),
  };
}

/**
 * Makes audit events with this process's AuditSourceID and hands them to the sink (the database first, then
 * syslog). Rejects when the record of truth could not keep the event; callers decide what that means.
 */
export class AuditRecorder {
  constructor(
    private readonly sink: AuditSink,
    /** AuditSourceID (PS3.15 A.5.2): which Nidus process records */
    readonly source: string,
  ) {}

  async record(action: AuditAction, record: AuditRecord = {}): Promise<AuditEvent> {
    const event = createAuditEvent(action, {
      actor: record.actor ?? auditActor(record.identity, record.address),
      source: this.source,
      outcome: record.outcome,
      outcomeDescription: record.outcomeDescription,
      objects: record.objects,
    });
    await this.sink.record(event);
    return event;
  }
}
