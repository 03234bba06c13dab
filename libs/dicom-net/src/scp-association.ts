import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { finished } from 'node:stream/promises';
import { isValidUid, NIDUS_IMPLEMENTATION_CLASS_UID, NIDUS_IMPLEMENTATION_VERSION_NAME } from '@nidus/dicom';
import { AssociationAbortedError, DimseTimeoutError, InvalidCommandError, PduProtocolError } from './dicom-net.errors';
import { CommandField, decodeCommand, DimseCommand, encodeCommand, hasDataSet, NO_DATA_SET } from './dimse-command';
import type { DimseLogger } from './dimse-logger';
import { DimseStatus, formatStatus } from './dimse-status';
import { PDataWriter } from './pdata.writer';
import { decodeAbort, decodeAssociateRq, encodeAbort, encodeAssociateAc, encodeAssociateRj, encodeReleaseRp } from './pdu.codec';
import { PduEvent, PduReader, PdvEvent } from './pdu.reader';
import { AbortReason, AbortSource, AssociateRj, AssociateRq, DICOM_APPLICATION_CONTEXT, PduType, RejectReason, RejectResult, RejectSource } from './pdu.types';
import { NegotiatedContext, negotiatePresentationContexts } from './presentation-context';
import type { AddressList, TlsPeerInfo } from './dimse-tls';
import type { StoreHandler, StoreSink, StoreStatus } from './store-handler';
import { drained } from './stream-drained';

/** How the SCP answers associations: fixed for the life of a DimseServer. */
export interface ScpPolicy {
  aeTitle: string;
  transferSyntaxes: readonly string[];
  extraStorageSopClasses: readonly string[];
  /** empty: any calling AE */
  allowedCallingAETitles: readonly string[];
  /** empty: any remote host */
  allowedHosts: readonly string[];
  /** a calling AE title bound here is accepted only from these addresses */
  callingAETitleAddresses: ReadonlyMap<string, AddressList>;
  /** our maximum P-DATA-TF length (PS3.8 D.1) */
  maxPduLength: number;
  /** ARTIM (PS3.8 9.1.5): how long a connection may wait for its A-ASSOCIATE-RQ, or to close after release */
  artimTimeoutMs: number;
  /** how long an association may stay silent before we abort it */
  idleTimeoutMs: number;
  /** from a PDU's first byte to its last, at most this long: bytes that trickle in cannot hold a slot */
  pduTimeoutMs: number;
  storeHandler: StoreHandler;
  logger: DimseLogger;
}

/** Asked once per A-ASSOCIATE-RQ, after the AE checks: undefined if one more association may start, else the rejection. */
export type AdmissionGate = (peer: { callingAETitle: string; remoteAddress: string }) => AssociateRj | undefined;

export interface AssociationInfo {
  callingAETitle: string;
  calledAETitle: string;
  remoteAddress: string;
  /** present when the association runs over TLS */
  tls?: TlsPeerInfo;
}

export interface AssociationListener {
  established(association: ScpAssociation): void;
  rejected(info: AssociationInfo, rj: AssociateRj): void;
  stored(association: ScpAssociation, status: StoreStatus, bytes: number): void;
  closed(association: ScpAssociation, reason: 'released' | 'aborted' | 'dropped' | 'rejected' | 'timeout'): void;
}

type State = 'awaiting-rq' | 'established' | 'closing' | 'closed';

interface Message {
  command: DimseCommand;
  presentationContextId: number;
  /** where the data set goes; absent: its bytes are read and dropped */
  sink?: StoreSink;
  sinkFailed?: boolean;
  /** the answer when the data set is dropped */
  failure?: StoreStatus;
  bytes: number;
}

function tlsPeerInfo(socket: TLSSocket): TlsPeerInfo {
  const cipher = socket.getCipher();
  const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
  const subject = peer?.subject?.CN;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
    ...(peer && Object.keys(peer).length
      ? { certificateSubject: Array.isArray(subject) ? subject.join(',') : subject, certificateFingerprint256: peer.fingerprint256 }
      : {}),
  };
}

export function normalizeAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * One association on the SCP side (PS3.8 9.2 state machine, acceptor half): negotiation, then
 * C-ECHO and C-STORE, streamed, one message at a time (no asynchronous operations window).
 */
export class ScpAssociation {
  readonly remoteAddress: string;
  readonly tls?: TlsPeerInfo;
  callingAETitle = '';
  calledAETitle = '';
  private state: State = 'awaiting-rq';
  private readonly reader: PduReader;
  private writer?: PDataWriter;
  private contexts = new Map<number, NegotiatedContext>();
  private commandPieces: Buffer[] = [];
  private commandContextId = 0;
  private message?: Message;
  private busy = false;
  private artimTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private pduTimer?: NodeJS.Timeout;
  private pduTimerFor = -1;
  private cleanup?: Promise<void>;
  private closeReason: 'released' | 'aborted' | 'dropped' | 'rejected' | 'timeout' = 'dropped';
  private notifiedClosed = false;
  private wasEstablished = false;
  private socketClosed = false;
  /** settles once the connection is closed and any partial data set discarded */
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly socket: Socket,
    private readonly policy: ScpPolicy,
    private readonly admit: AdmissionGate,
    private readonly listener: AssociationListener,
  ) {
    this.remoteAddress = normalizeAddress(socket.remoteAddress);
    if ((socket as TLSSocket).encrypted) this.tls = tlsPeerInfo(socket as TLSSocket);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.reader = new PduReader({ maxPDataLength: policy.maxPduLength });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.touch();
      this.reader.push(chunk);
      this.pump();
      this.watchPdu();
    });
    socket.on('error', (error) => this.policy.logger.debug({ remoteAddress: this.remoteAddress, error: error.message }, 'DIMSE connection error'));
    socket.on('close', () => {
      this.socketClosed = true;
      this.terminate(new AssociationAbortedError('connection closed'));
    });
    this.artimTimer = setTimeout(() => this.timeout('no A-ASSOCIATE-RQ within ARTIM'), policy.artimTimeoutMs);
  }

  private get open(): boolean {
    return this.state === 'awaiting-rq' || this.state === 'established';
  }

  get established(): boolean {
    return this.state === 'established';
  }

  /** connected, and no A-ASSOCIATE-RQ yet */
  get awaitingRequest(): boolean {
    return this.state === 'awaiting-rq';
  }

  /** Closes a connection that has not asked to associate (to make room for a newer one). */
  dropUnassociated(why: string): void {
    if (this.state === 'awaiting-rq') this.timeout(why);
  }

  get info(): AssociationInfo {
    return {
      callingAETitle: this.callingAETitle,
      calledAETitle: this.calledAETitle,
      remoteAddress: this.remoteAddress,
      ...(this.tls ? { tls: this.tls } : {}),
    };
  }

  /** Ends the association from our side with A-ABORT (service-user), e.g. at shutdown. */
  abort(reason = 'server closing'): Promise<void> {
    this.sendAbort(AbortSource.ServiceUser, AbortReason.NotSpecified);
    this.closeReason = 'aborted';
    this.terminate(new AssociationAbortedError(reason));
    return this.done;
  }

  // ---------- input loop ----------

  private pump(): void {
    if (this.busy || this.state === 'closed') return;
    try {
      for (;;) {
        const event = this.reader.next();
        if (!event) {
          if (this.socket.isPaused()) this.socket.resume();
          return;
        }
        const wait = this.handle(event);
        if (wait) {
          this.busy = true;
          this.socket.pause();
          wait.then(
            () => {
              this.busy = false;
              this.pump();
              this.watchPdu();
            },
            (error: unknown) => {
              this.busy = false;
              this.fail(error);
            },
          );
          return;
        }
        if (!this.open) return;
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private handle(event: PduEvent): Promise<void> | void {
    if (this.state === 'closing' || this.state === 'closed') return;
    if (event.kind === 'pdu') {
      switch (event.type) {
        case PduType.AssociateRq:
          if (this.state !== 'awaiting-rq') throw new PduProtocolError('A-ASSOCIATE-RQ on an established association', AbortReason.UnexpectedPdu);
          return this.onAssociateRq(decodeAssociateRq(event.body));
        case PduType.ReleaseRq:
          if (this.state !== 'established') throw new PduProtocolError('A-RELEASE-RQ before association', AbortReason.UnexpectedPdu);
          return this.onReleaseRq();
        case PduType.Abort: {
          const abort = decodeAbort(event.body);
          this.policy.logger.info({ ...this.info, source: abort.source, reason: abort.reason }, 'A-ABORT received');
          this.closeReason = 'aborted';
          this.terminate(new AssociationAbortedError('A-ABORT received', abort.source, abort.reason));
          return;
        }
        default:
          throw new PduProtocolError(`unexpected PDU type ${event.type}`, AbortReason.UnexpectedPdu);
      }
    }
    if (this.state !== 'established') throw new PduProtocolError('P-DATA-TF before the association was accepted', AbortReason.UnexpectedPdu);
    return event.command ? this.onCommandPdv(event) : this.onDataPdv(event);
  }

  // ---------- association ----------

  private onAssociateRq(rq: AssociateRq): void {
    clearTimeout(this.artimTimer);
    this.callingAETitle = rq.callingAETitle;
    this.calledAETitle = rq.calledAETitle;
    const rejection = this.check(rq);
    if (rejection) {
      this.policy.logger.warn({ ...this.info, ...rejection }, 'association rejected');
      this.listener.rejected(this.info, rejection);
      this.closeReason = 'rejected';
      this.state = 'closing';
      this.socket.end(encodeAssociateRj(rejection));
      this.artimTimer = setTimeout(() => this.socket.destroy(), this.policy.artimTimeoutMs);
      return;
    }
    const { answers, accepted } = negotiatePresentationContexts(rq.presentationContexts, {
      transferSyntaxes: this.policy.transferSyntaxes,
      extraStorageSopClasses: this.policy.extraStorageSopClasses,
    });
    for (const pc of accepted) this.contexts.set(pc.id, pc);
    this.writer = new PDataWriter(this.socket, rq.userInformation.maxPduLength);
    this.socket.write(
      encodeAssociateAc({
        protocolVersion: 1,
        calledAETitle: rq.calledAETitle,
        callingAETitle: rq.callingAETitle,
        applicationContext: DICOM_APPLICATION_CONTEXT,
        presentationContexts: answers,
        userInformation: {
          maxPduLength: this.policy.maxPduLength,
          implementationClassUID: NIDUS_IMPLEMENTATION_CLASS_UID,
          implementationVersionName: NIDUS_IMPLEMENTATION_VERSION_NAME,
        },
      }),
    );
    this.state = 'established';
    this.wasEstablished = true;
    this.touch();
    this.policy.logger.info({ ...this.info, contexts: accepted.length, proposed: rq.presentationContexts.length }, 'association accepted');
    this.listener.established(this);
  }

  /** PS3.8 9.3.4: the checks that end in A-ASSOCIATE-RJ, in order. */
  private check(rq: AssociateRq): AssociateRj | undefined {
    const { User, Acse } = RejectReason;
    if ((rq.protocolVersion & 0x0001) === 0)
      return { result: RejectResult.Permanent, source: RejectSource.ServiceProviderAcse, reason: Acse.ProtocolVersionNotSupported };
    if (rq.applicationContext !== DICOM_APPLICATION_CONTEXT)
      return { result: RejectResult.Permanent, source: RejectSource.ServiceUser, reason: User.ApplicationContextNameNotSupported };
    if (this.policy.aeTitle && rq.calledAETitle !== this.policy.aeTitle)
      return { result: RejectResult.Permanent, source: RejectSource.ServiceUser, reason: User.CalledAETitleNotRecognized };
    const aes = this.policy.allowedCallingAETitles;
    if (aes.length > 0 && !aes.includes(rq.callingAETitle))
      return { result: RejectResult.Permanent, source: RejectSource.ServiceUser, reason: User.CallingAETitleNotRecognized };
    // an AE title bound to addresses is believed only from them (the title alone is a name anyone can send)
    const bound = this.policy.callingAETitleAddresses.get(rq.callingAETitle);
    if (bound && !bound.allows(this.remoteAddress))
      return { result: RejectResult.Permanent, source: RejectSource.ServiceUser, reason: User.CallingAETitleNotRecognized };
    const hosts = this.policy.allowedHosts;
    if (hosts.length > 0 && !hosts.map(normalizeAddress).includes(this.remoteAddress))
      return { result: RejectResult.Permanent, source: RejectSource.ServiceUser, reason: User.NoReasonGiven };
    return this.admit({ callingAETitle: rq.callingAETitle, remoteAddress: this.remoteAddress });
  }

  private onReleaseRq(): Promise<void> | void {
    if (this.message) throw new PduProtocolError('A-RELEASE-RQ in the middle of a DIMSE message', AbortReason.UnexpectedPdu);
    this.closeReason = 'released';
    this.state = 'closing';
    clearTimeout(this.idleTimer);
    // PS3.8 9.2.3 (AA-... / AR-4): send A-RELEASE-RP, the requestor closes the connection; ARTIM guards it.
    this.socket.end(encodeReleaseRp());
    this.artimTimer = setTimeout(() => this.socket.destroy(), this.policy.artimTimeoutMs);
  }

  // ---------- DIMSE ----------

  private onCommandPdv(event: PdvEvent): Promise<void> | void {
    if (this.message) throw new PduProtocolError('command PDV while a data set was expected', AbortReason.UnexpectedPduParameter);
    if (!this.contexts.has(event.presentationContextId)) {
      throw new PduProtocolError(`PDV on presentation context ${event.presentationContextId}, which was not accepted`, AbortReason.InvalidPduParameterValue);
    }
    if (this.commandPieces.length && event.presentationContextId !== this.commandContextId) {
      throw new PduProtocolError('command fragments on two presentation contexts', AbortReason.InvalidPduParameterValue);
    }
    this.commandContextId = event.presentationContextId;
    if (event.data.length) this.commandPieces.push(Buffer.from(event.data));
    if (!(event.last && event.pdvEnd)) return;
    const bytes = Buffer.concat(this.commandPieces);
    this.commandPieces = [];
    let command: DimseCommand;
    try {
      command = decodeCommand(bytes);
    } catch (error) {
      throw new PduProtocolError((error as InvalidCommandError).message, AbortReason.InvalidPduParameterValue);
    }
    return this.onCommand(command, event.presentationContextId);
  }

  private onCommand(command: DimseCommand, pcid: number): Promise<void> | void {
    const context = this.contexts.get(pcid)!;
    switch (command.CommandField) {
      case CommandField.CEchoRq:
        if (hasDataSet(command)) {
          this.message = { command, presentationContextId: pcid, bytes: 0, failure: { status: DimseStatus.Success } };
          return;
        }
        return this.respond(command, pcid, { status: DimseStatus.Success });
      case CommandField.CStoreRq:
        return this.onStoreRq(command, pcid, context);
      case CommandField.CCancelRq:
        return; // nothing runs that could be cancelled
      default: {
        if (command.CommandField & 0x8000) {
          this.policy.logger.warn({ ...this.info, commandField: command.CommandField }, 'unexpected DIMSE response ignored');
          return;
        }
        const failure = { status: DimseStatus.UnrecognizedOperation, errorComment: `command 0x${command.CommandField.toString(16)} is not supported` };
        if (hasDataSet(command)) {
          this.message = { command, presentationContextId: pcid, bytes: 0, failure };
          return;
        }
        return this.respond(command, pcid, failure);
      }
    }
  }

  private onStoreRq(command: DimseCommand, pcid: number, context: NegotiatedContext): Promise<void> | void {
    const message: Message = { command, presentationContextId: pcid, bytes: 0 };
    const sopClass = command.AffectedSOPClassUID;
    const sopInstance = command.AffectedSOPInstanceUID;
    if (!hasDataSet(command)) return this.respond(command, pcid, { status: DimseStatus.CannotUnderstand, errorComment: 'C-STORE-RQ without a data set' });
    this.message = message;
    if (!sopClass || !sopInstance) {
      message.failure = { status: DimseStatus.MistypedArgument, errorComment: 'C-STORE-RQ lacks AffectedSOPClassUID or AffectedSOPInstanceUID' };
      return;
    }
    // PS3.5 9.1: a UID that is not one cannot name a stored instance; refused with a status, the association goes on
    const invalid = !isValidUid(sopInstance) ? 'AffectedSOPInstanceUID' : !isValidUid(sopClass) ? 'AffectedSOPClassUID' : undefined;
    if (invalid) {
      const value = invalid === 'AffectedSOPInstanceUID' ? sopInstance : sopClass;
      message.failure = {
        status: DimseStatus.DataSetDoesNotMatchSOPClass,
        errorComment: `${invalid} '${value.slice(0, 24)}' is not a valid UID (PS3.5 9.1)`,
      };
      return;
    }
    if (sopClass !== context.abstractSyntax) {
      message.failure = {
        status: DimseStatus.SOPClassNotSupported,
        errorComment: `SOP class ${sopClass} sent on the presentation context of ${context.abstractSyntax}`,
      };
      return;
    }
    let begun: StoreSink | Promise<StoreSink>;
    try {
      begun = this.policy.storeHandler.begin({
        callingAETitle: this.callingAETitle,
        calledAETitle: this.calledAETitle,
        remoteAddress: this.remoteAddress,
        SOPClassUID: sopClass,
        SOPInstanceUID: sopInstance,
        transferSyntaxUID: context.transferSyntax,
        messageId: command.MessageID ?? 0,
        priority: command.Priority ?? 0,
        moveOriginator: command.MoveOriginatorApplicationEntityTitle
          ? { aeTitle: command.MoveOriginatorApplicationEntityTitle, messageId: command.MoveOriginatorMessageID }
          : undefined,
      });
    } catch (error) {
      message.failure = this.processingFailure(error);
      return;
    }
    const attach = (sink: StoreSink) => {
      if (this.state === 'closed' || this.message !== message) {
        void sink.discard(new AssociationAbortedError('association ended before the data set arrived'));
        return;
      }
      message.sink = sink;
      sink.stream.on('error', (error) => {
        message.sinkFailed = true;
        this.policy.logger.error({ ...this.info, SOPInstanceUID: sopInstance, error: error.message }, 'store sink failed');
      });
    };
    if (begun instanceof Promise) {
      return begun.then(attach, (error) => {
        message.failure = this.processingFailure(error);
      });
    }
    attach(begun);
  }

  private onDataPdv(event: PdvEvent): Promise<void> | void {
    const message = this.message;
    if (!message) throw new PduProtocolError('data PDV without a command', AbortReason.UnexpectedPduParameter);
    if (event.presentationContextId !== message.presentationContextId) {
      throw new PduProtocolError('data set on another presentation context than its command', AbortReason.InvalidPduParameterValue);
    }
    message.bytes += event.data.length;
    let wait: Promise<void> | undefined;
    if (message.sink && !message.sinkFailed && event.data.length) {
      if (!message.sink.stream.write(event.data)) wait = drained(message.sink.stream);
    }
    if (!(event.last && event.pdvEnd)) return wait;
    return (wait ?? Promise.resolve()).then(() => this.finishMessage(message));
  }

  private async finishMessage(message: Message): Promise<void> {
    let status: StoreStatus;
    if (message.sink) {
      const sink = message.sink;
      try {
        if (message.sinkFailed) throw new Error('the store sink failed while writing');
        sink.stream.end();
        await finished(sink.stream, { readable: false } as any);
      } catch {
        message.sinkFailed = true;
      }
      // every byte is in: the sink decides from here, and an abort meanwhile must not discard it
      message.sink = undefined;
      try {
        status = await sink.complete();
      } catch (error) {
        status = this.processingFailure(error);
      }
      this.listener.stored(this, status, message.bytes);
    } else {
      status = message.failure ?? { status: DimseStatus.ProcessingFailure };
    }
    this.message = undefined;
    if (this.state !== 'established') return;
    await this.respond(message.command, message.presentationContextId, status);
  }

  private async respond(rq: DimseCommand, pcid: number, status: StoreStatus): Promise<void> {
    if (!this.writer || this.state !== 'established') return;
    const response: DimseCommand = {
      CommandField: rq.CommandField | 0x8000,
      MessageIDBeingRespondedTo: rq.MessageID ?? 0,
      CommandDataSetType: NO_DATA_SET,
      Status: status.status,
      // U(=) in the response (PS3.7 9.3.1.2): echoed when valid, left out when the request's was not a UID
      AffectedSOPClassUID: validOrUndefined(rq.AffectedSOPClassUID ?? this.contexts.get(pcid)?.abstractSyntax),
      AffectedSOPInstanceUID: validOrUndefined(rq.AffectedSOPInstanceUID),
      ErrorComment: status.status !== DimseStatus.Success ? status.errorComment : undefined,
      OffendingElement: status.offendingElements,
    };
    if (status.status !== DimseStatus.Success) {
      this.policy.logger.warn(
        { ...this.info, SOPInstanceUID: rq.AffectedSOPInstanceUID, status: formatStatus(status.status), comment: status.errorComment },
        'C-STORE not successful',
      );
    }
    await this.writer.sendCommand(pcid, encodeCommand(response));
  }

  private processingFailure(error: unknown): StoreStatus {
    this.policy.logger.error({ ...this.info, error: (error as Error)?.message ?? String(error) }, 'store handler failed');
    return { status: DimseStatus.ProcessingFailure, errorComment: (error as Error)?.message ?? String(error) };
  }

  // ---------- endings ----------

  private touch(): void {
    if (this.state !== 'established') return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.busy) return this.touch(); // we are the slow side (disk): not the peer's silence
      this.timeout(`no PDU for ${this.policy.idleTimeoutMs} ms`);
    }, this.policy.idleTimeoutMs);
  }

  /** Starts the clock when a PDU begins, stops it when the PDU is complete. */
  private watchPdu(): void {
    if (this.state === 'closed') return;
    if (this.reader.atPduBoundary) {
      clearTimeout(this.pduTimer);
      this.pduTimer = undefined;
      return;
    }
    if (this.pduTimer && this.pduTimerFor === this.reader.pdusCompleted) return;
    clearTimeout(this.pduTimer);
    this.pduTimerFor = this.reader.pdusCompleted;
    this.pduTimer = setTimeout(() => this.onPduTimeout(), this.policy.pduTimeoutMs);
  }

  private onPduTimeout(): void {
    // while we wait on the disk we read nothing: the PDU is late on our side
    if (this.busy) this.pduTimer = setTimeout(() => this.onPduTimeout(), this.policy.pduTimeoutMs);
    else this.timeout(`a PDU did not arrive whole within ${this.policy.pduTimeoutMs} ms`);
  }

  private timeout(why: string): void {
    this.policy.logger.warn({ ...this.info }, `DIMSE association timed out: ${why}`);
    if (this.state === 'established') this.sendAbort(AbortSource.ServiceProvider, AbortReason.NotSpecified);
    this.closeReason = 'timeout';
    this.terminate(new DimseTimeoutError(why));
  }

  private fail(error: unknown): void {
    if (this.state === 'closed') return;
    if (error instanceof PduProtocolError) {
      this.policy.logger.warn({ ...this.info, error: error.message }, 'protocol error: A-ABORT');
      this.sendAbort(AbortSource.ServiceProvider, error.abortReason);
      this.closeReason = 'aborted';
      this.terminate(error);
      return;
    }
    if (error instanceof AssociationAbortedError) {
      this.terminate(error);
      return;
    }
    this.policy.logger.error({ ...this.info, error: (error as Error)?.message ?? String(error) }, 'association failed: A-ABORT');
    this.sendAbort(AbortSource.ServiceProvider, AbortReason.NotSpecified);
    this.closeReason = 'aborted';
    this.terminate(error as Error);
  }

  private sendAbort(source: number, reason: number): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.state = 'closing';
    this.socket.end(encodeAbort({ source, reason }));
    // PS3.8 9.2 (AA-1): after A-ABORT the connection closes; the wait is bounded by ARTIM, and by 1 s
    setTimeout(() => this.socket.destroy(), Math.min(this.policy.artimTimeoutMs, 1000)).unref();
  }

  private terminate(reason: Error): void {
    if (this.cleanup) return;
    this.state = 'closed';
    clearTimeout(this.artimTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.pduTimer);
    const message = this.message;
    this.message = undefined;
    const sink = message?.sink;
    if (message) message.sink = undefined;
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.destroy();
    this.cleanup = (
      sink
        ? Promise.resolve()
            .then(() => sink.discard(reason))
            .catch((error) => this.policy.logger.error({ error: (error as Error).message }, 'discard failed'))
        : Promise.resolve()
    ).then(() => {
      const finish = () => {
        if (!this.notifiedClosed) {
          this.notifiedClosed = true;
          if (this.wasEstablished || this.closeReason === 'rejected') this.listener.closed(this, this.closeReason);
        }
        this.resolveDone();
      };
      if (this.socketClosed) finish();
      else this.socket.once('close', finish);
    });
  }
}

function validOrUndefined(uid: string | undefined): string | undefined {
  return uid !== undefined && isValidUid(uid) ? uid : undefined;
}
